import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Alert } from '../../domain/types';
import { alertsOf } from './alert-item';
import { STATUS_INDEX } from './alert-list';
import { alertRows } from './alert-rows';
import type { AlertTable } from './alert-table';
import { conditionFailure } from './sdk-errors';

/**
 * The PENDING alerts whose deadline has passed at `now`: one Query of StatusIndex (status = PENDING),
 * so the cost grows with the alerts waiting for a decision, never with the fleet, then the due rows read
 * whole (the index projects deadlineAt but not the alert). One decided meanwhile is left out.
 */
export const pendingPastDeadline = async (table: AlertTable, now: number): Promise<Alert[]> => {
  const due: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: STATUS_INDEX,
        KeyConditionExpression: '#status = :pending',
        FilterExpression: 'deadlineAt <= :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'PENDING', ':now': now },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of out.Items ?? []) due.push(String(item.alertId));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  const rows = await alertRows(table, due);
  return alertsOf(
    table.tableName,
    rows.filter((row) => row.status === 'PENDING'),
  );
};

/**
 * Moves a PENDING alert from escalation level `from` to `from + 1`, once: the write is conditional on
 * the level it saw, so a second sweep of the same minute (or a retry) changes nothing. Each level is its
 * own write, so the alerts stream carries one change per level (the dispatcher audits and publishes it).
 * Returns false when the alert moved on meanwhile (decided, resolved, or escalated by another sweep).
 */
export const escalateAlert = async (
  table: AlertTable,
  alertId: string,
  from: number,
  now: number,
): Promise<boolean> => {
  try {
    await table.doc.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { alertId },
        UpdateExpression: 'SET escalationLevel = :to, updatedAt = :now',
        ConditionExpression:
          '#status = :pending AND ' +
          (from === 0
            ? '(attribute_not_exists(escalationLevel) OR escalationLevel = :from)'
            : 'escalationLevel = :from'),
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'PENDING', ':from': from, ':to': from + 1, ':now': now },
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailure(error)) return false;
    throw error;
  }
};
