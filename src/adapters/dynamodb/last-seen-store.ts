import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SEVERITIES } from '../../domain/alert-vocabulary';
import type { Heartbeat, LastSeenRow, LastSeenStore } from '../../domain/ports';
import { fieldReader, type Item } from './item-fields';
import { conditionFailure } from './sdk-errors';

/**
 * The last-seen table (infra/tables.yml): one row per station that has reported. DueIndex (dueSet,
 * dueAt) is sparse: a row is in it while something is due for it, and leaves it (dueSet removed) once its
 * silence is CRITICAL, so the sweep's Query reads the stations due and nothing else.
 */
export const DUE_INDEX = 'DueIndex';
/** The one value of DueIndex's partition key. */
const DUE_SET = 'DUE';

const rowOf = (table: string, item: Item): LastSeenRow => {
  const f = fieldReader(table, item);
  const dueAt = item.dueAt === undefined ? undefined : f.number('dueAt');
  const offlineAlertId = f.optionalString('offlineAlertId');
  const severity = f.optionalString('offlineSeverity');
  const offlineSeverity = SEVERITIES.find((s) => s === severity);
  return {
    stationId: f.string('stationId'),
    lastSeenAt: f.number('lastSeenAt'),
    lastReadingAt: f.number('lastReadingAt'),
    ...(dueAt === undefined ? {} : { dueAt }),
    ...(offlineAlertId === undefined ? {} : { offlineAlertId }),
    ...(offlineSeverity === undefined ? {} : { offlineSeverity }),
  };
};

export interface DynamoLastSeenStoreOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

export class DynamoLastSeenStore implements LastSeenStore {
  constructor(private readonly options: DynamoLastSeenStoreOptions) {}

  async heartbeat(stationId: string, seenAt: number, readingAt: number, dueAt: number): Promise<Heartbeat> {
    const { doc, tableName } = this.options;
    try {
      const out = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { stationId },
          // Heard of again: due afresh. The silence's alert stays named on the row until the evaluator has
          // ended it (clearOffline), so a heartbeat whose end failed is retried by the next one.
          UpdateExpression: 'SET lastSeenAt = :seen, lastReadingAt = :reading, dueAt = :due, dueSet = :set',
          // A replayed or late reading never moves the row back (nor revives a silent station).
          ConditionExpression: 'attribute_not_exists(lastReadingAt) OR lastReadingAt < :reading',
          ExpressionAttributeValues: {
            ':seen': seenAt,
            ':reading': readingAt,
            ':due': dueAt,
            ':set': DUE_SET,
          },
          // Free with the write: tells the evaluator whether the station was silent (see station-liveness.ts).
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes?.lastSeenAt === undefined
        ? { kind: 'written' }
        : { kind: 'written', before: rowOf(tableName, out.Attributes) };
    } catch (error) {
      if (conditionFailure(error)) return { kind: 'older' };
      throw error;
    }
  }

  async clearOffline(stationId: string, alertId: string): Promise<void> {
    const { doc, tableName } = this.options;
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { stationId },
          UpdateExpression: 'REMOVE offlineAlertId, offlineSeverity',
          ConditionExpression: 'offlineAlertId = :alertId',
          ExpressionAttributeValues: { ':alertId': alertId },
        }),
      );
    } catch (error) {
      // Cleared already, or a newer silence's alert is named now: that one is not this caller's to clear.
      if (!conditionFailure(error)) throw error;
    }
  }

  async due(now: number): Promise<LastSeenRow[]> {
    const { doc, tableName } = this.options;
    const rows: LastSeenRow[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: DUE_INDEX,
          KeyConditionExpression: 'dueSet = :set AND dueAt <= :now',
          ExpressionAttributeValues: { ':set': DUE_SET, ':now': now },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) rows.push(rowOf(tableName, item));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return rows;
  }

  async settle(
    row: LastSeenRow,
    change: {
      dueAt: number | undefined;
      heard?: { lastSeenAt: number; lastReadingAt: number };
      offline?: { alertId: string; severity: (typeof SEVERITIES)[number] };
    },
  ): Promise<boolean> {
    const { doc, tableName } = this.options;
    const set: string[] = [];
    const remove: string[] = [];
    const values: Record<string, unknown> = { ':seenBefore': row.lastSeenAt };
    if (change.dueAt === undefined) remove.push('dueAt', 'dueSet');
    else {
      set.push('dueAt = :due', 'dueSet = :set');
      Object.assign(values, { ':due': change.dueAt, ':set': DUE_SET });
    }
    if (change.heard) {
      set.push('lastSeenAt = :seen', 'lastReadingAt = :reading');
      Object.assign(values, { ':seen': change.heard.lastSeenAt, ':reading': change.heard.lastReadingAt });
    }
    if (change.offline) {
      set.push('offlineAlertId = :alertId', 'offlineSeverity = :severity');
      Object.assign(values, { ':alertId': change.offline.alertId, ':severity': change.offline.severity });
    }
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { stationId: row.stationId },
          UpdateExpression: [
            set.length > 0 ? `SET ${set.join(', ')}` : '',
            remove.length > 0 ? `REMOVE ${remove.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join(' '),
          // No heartbeat since the sweep read the row: otherwise the station is back, and the heartbeat wins.
          ConditionExpression: 'lastSeenAt = :seenBefore',
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailure(error)) return false;
      throw error;
    }
  }
}
