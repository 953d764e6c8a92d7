import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AlertNotFoundError, AlertNotPendingError } from '../../domain/errors';
import type { Decision } from '../../domain/ports';
import type { Alert } from '../../domain/types';
import { guardKeyFor, isAlertItem, itemToAlert } from './alert-item';
import type { AlertTable } from './alert-table';
import { backoffDelay } from './backoff';
import type { Item } from './item-fields';
import { cancellationReasons, conditionFailure, isTransactionConflict } from './sdk-errors';

/** The alert as stored now (strongly consistent), or undefined; a guard row is not an alert. */
export const readAlert = async (table: AlertTable, alertId: string): Promise<Alert | undefined> => {
  const out = await table.doc.send(
    new GetCommand({ TableName: table.tableName, Key: { alertId }, ConsistentRead: true }),
  );
  return isAlertItem(out.Item) && out.Item ? itemToAlert(table.tableName, out.Item) : undefined;
};

/** The update that records a decision, conditional on the alert still being PENDING. */
const decisionUpdate = (table: AlertTable, alertId: string, decision: Decision) => {
  const values: Record<string, unknown> = { ':pending': 'PENDING', ':at': decision.at, ':by': decision.by };
  let set: string;
  if (decision.kind === 'approve') {
    values[':status'] = 'APPROVED';
    set = 'SET #status = :status, updatedAt = :at, approvedAt = :at, approvedBy = :by';
  } else {
    values[':status'] = 'REJECTED';
    values[':reason'] = decision.reason;
    set =
      'SET #status = :status, updatedAt = :at, rejectedAt = :at, rejectedBy = :by, rejectionReason = :reason';
  }
  return {
    TableName: table.tableName,
    Key: { alertId },
    UpdateExpression: set,
    ConditionExpression: 'attribute_exists(alertId) AND #status = :pending',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: values,
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
};

const decided = (alert: Alert, decision: Decision): Alert =>
  decision.kind === 'approve'
    ? {
        ...alert,
        status: 'APPROVED',
        updatedAt: decision.at,
        approvedAt: decision.at,
        approvedBy: decision.by,
      }
    : {
        ...alert,
        status: 'REJECTED',
        updatedAt: decision.at,
        rejectedAt: decision.at,
        rejectedBy: decision.by,
        rejectionReason: decision.reason,
      };

/** The error a lost race reports: what the alert is now, from the failed write's old item. */
const notPendingFrom = (table: AlertTable, alertId: string, item: Item | undefined): Error => {
  if (!isAlertItem(item) || !item) return new AlertNotFoundError(alertId);
  return new AlertNotPendingError(alertId, itemToAlert(table.tableName, item).status);
};

/**
 * PENDING -> APPROVED | REJECTED, exactly once however many deciders race: the update is conditional
 * on PENDING. The same transaction frees the (stationId, alertType) guard so the next trigger can open
 * a new alert, unless the guard names another alert (one written by create(), outside raise()).
 */
export const decideAlert = async (table: AlertTable, alertId: string, decision: Decision): Promise<Alert> => {
  let freeGuard = true;
  for (let attempt = 0; ; attempt++) {
    const current = await readAlert(table, alertId);
    if (!current) throw new AlertNotFoundError(alertId);
    if (current.status !== 'PENDING') throw new AlertNotPendingError(alertId, current.status);
    const update = decisionUpdate(table, alertId, decision);
    try {
      if (freeGuard) {
        await table.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: update },
              {
                Delete: {
                  TableName: table.tableName,
                  Key: { alertId: guardKeyFor(current.stationId, current.alertType) },
                  ConditionExpression: 'attribute_not_exists(alertId) OR openAlertId = :alertId',
                  ExpressionAttributeValues: { ':alertId': alertId },
                },
              },
            ],
          }),
        );
      } else {
        await table.doc.send(new UpdateCommand(update));
      }
      // Read back rather than rebuilt: a merge may have counted a trigger since `current` was read.
      return (await readAlert(table, alertId)) ?? decided(current, decision);
    } catch (error) {
      const [alertReason, guardReason] = cancellationReasons(error) ?? [];
      if (alertReason?.code === 'ConditionalCheckFailed')
        throw notPendingFrom(table, alertId, alertReason.item);
      const failure = conditionFailure(error);
      if (failure) throw notPendingFrom(table, alertId, failure.item);
      if (guardReason?.code === 'ConditionalCheckFailed') {
        // The guard belongs to another open alert: leave it, decide this one alone.
        freeGuard = false;
        continue;
      }
      if (!isTransactionConflict(error)) throw error;
      if (attempt + 1 >= table.retry.maxAttempts) {
        // Out of retries: report what the alert is now if a rival decided it, else the conflict.
        const now = await readAlert(table, alertId);
        if (!now) throw new AlertNotFoundError(alertId);
        if (now.status !== 'PENDING') throw new AlertNotPendingError(alertId, now.status);
        throw error;
      }
      await table.retry.sleep(backoffDelay(table.retry, attempt));
    }
  }
};
