import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SilenceNotFoundError } from '../../domain/errors';
import type { SilenceStore } from '../../domain/ports';
import { type Silence, silenceSchema } from '../../domain/silence';
import { type Item, MalformedItemError } from './item-fields';
import { conditionFailure } from './sdk-errors';

/**
 * Silences are a third kind of row in the alerts table (beside alerts and open-alert guards), so they
 * need no table, stream or role of their own: `alertId = SILENCE#<silenceId>`, `recordType = SILENCE`.
 * They have no `status`, so StatusIndex, the dispatcher and GET /alerts never see them. The sparse
 * SilenceIndex (silenceSet, endsAt) holds silences only (no other row has silenceSet), so the silences in
 * force are one Query that reads only them, never the alerts.
 */
export const SILENCE_RECORD_TYPE = 'SILENCE';
export const SILENCE_INDEX = 'SilenceIndex';
/** The one value of SilenceIndex's partition key: every silence row has it. */
const SILENCE_SET = 'SILENCES';

export const silenceKeyFor = (silenceId: string): string => `SILENCE#${silenceId}`;

const toItem = (silence: Silence): Item => ({
  alertId: silenceKeyFor(silence.silenceId),
  recordType: SILENCE_RECORD_TYPE,
  silenceSet: SILENCE_SET,
  ...silence,
});

const fromItem = (table: string, item: Item): Silence => {
  const parsed = silenceSchema.safeParse(item);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new MalformedItemError(table, issue?.path.map(String).join('.') || '(item)', 'a silence');
};

export interface DynamoSilenceStoreOptions {
  doc: DynamoDBDocumentClient;
  /** The alerts table. */
  tableName: string;
}

export class DynamoSilenceStore implements SilenceStore {
  constructor(private readonly options: DynamoSilenceStoreOptions) {}

  async create(silence: Silence): Promise<void> {
    const { alertId, ...attributes } = toItem(silence);
    const names = Object.keys(attributes).filter((name) => attributes[name] !== undefined);
    await this.options.doc.send(
      // An update that creates, not a put: the decide function's role writes with UpdateItem only.
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: { alertId },
        UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'attribute_not_exists(alertId)',
        ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(names.map((name, i) => [`:v${i}`, attributes[name]])),
      }),
    );
  }

  async endingAfter(after: number): Promise<Silence[]> {
    const { doc, tableName } = this.options;
    const found: Silence[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: SILENCE_INDEX,
          KeyConditionExpression: 'silenceSet = :set AND endsAt > :after',
          ExpressionAttributeValues: { ':set': SILENCE_SET, ':after': after },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) found.push(fromItem(tableName, item));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return found;
  }

  async end(silenceId: string, by: string, at: number): Promise<Silence> {
    const { doc, tableName } = this.options;
    try {
      const out = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { alertId: silenceKeyFor(silenceId) },
          // Ending is moving endsAt to now: the silence stays (with its counts) for the record, and a
          // replay of triggers from before the deletion is silenced exactly as it was live.
          UpdateExpression: 'SET endsAt = :at, endedAt = :at, endedBy = :by',
          ConditionExpression: 'recordType = :silence AND endsAt > :at',
          ExpressionAttributeValues: { ':silence': SILENCE_RECORD_TYPE, ':at': at, ':by': by },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      if (!out.Attributes) throw new Error(`update of silence ${silenceId} returned no attributes`);
      return fromItem(tableName, out.Attributes);
    } catch (error) {
      const failure = conditionFailure(error);
      if (!failure) throw error;
      if (failure.item?.recordType !== SILENCE_RECORD_TYPE) throw new SilenceNotFoundError(silenceId);
      // Over already: ending it again changes nothing (a retried DELETE answers as the first did).
      return fromItem(tableName, failure.item);
    }
  }

  async countMatch(silenceId: string, triggeredAt: number): Promise<void> {
    const { doc, tableName } = this.options;
    const key = { alertId: silenceKeyFor(silenceId) };
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: 'ADD matched :one SET lastMatchedAt = :ts',
          // lastMatchedAt only moves forward; an older trigger is counted by the update below.
          ConditionExpression:
            'recordType = :silence AND (attribute_not_exists(lastMatchedAt) OR lastMatchedAt < :ts)',
          ExpressionAttributeValues: { ':one': 1, ':ts': triggeredAt, ':silence': SILENCE_RECORD_TYPE },
        }),
      );
    } catch (error) {
      if (!conditionFailure(error)) throw error;
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key,
            UpdateExpression: 'ADD matched :one',
            ConditionExpression: 'recordType = :silence',
            ExpressionAttributeValues: { ':one': 1, ':silence': SILENCE_RECORD_TYPE },
          }),
        );
      } catch (again) {
        // The silence was removed from the table meanwhile: there is nothing left to count on.
        if (!conditionFailure(again)) throw again;
      }
    }
  }
}
