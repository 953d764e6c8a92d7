import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_REJECTION_CODE } from '../../domain/alert-vocabulary';
import { AlertNotFoundError, AlertNotPendingError } from '../../domain/errors';
import type { Decision } from '../../domain/ports';
import type { Alert } from '../../domain/types';
import { isAlertItem, itemToAlert } from './alert-item';
import type { AlertTable } from './alert-table';
import { backoffDelay } from './backoff';
import type { Item } from './item-fields';
import { conditionFailure, isTransactionConflict } from './sdk-errors';

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
    values[':code'] = decision.code ?? DEFAULT_REJECTION_CODE;
    set =
      'SET #status = :status, updatedAt = :at, rejectedAt = :at, rejectedBy = :by, rejectionReason = :reason, rejectionCode = :code';
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
        rejectionCode: decision.code ?? DEFAULT_REJECTION_CODE,
      };

/** The error a lost race reports: what the alert is now, from the failed write's old item. */
const notPendingFrom = (table: AlertTable, alertId: string, item: Item | undefined): Error => {
  if (!isAlertItem(item) || !item) return new AlertNotFoundError(alertId);
  return notPending(itemToAlert(table.tableName, item));
};

const notPending = (alert: Alert): AlertNotPendingError =>
  new AlertNotPendingError(alert.alertId, alert.status, alert.resolvedAt);

/**
 * PENDING -> APPROVED | REJECTED, exactly once however many deciders race: the update is conditional
 * on PENDING. A decision leaves the incident open (its guard stays), so triggers while the condition
 * lasts merge into the decided alert instead of opening a second one. A RESOLVED alert cannot be
 * decided: the error names when its incident ended.
 */
export const decideAlert = async (table: AlertTable, alertId: string, decision: Decision): Promise<Alert> => {
  const current = await readAlert(table, alertId);
  if (!current) throw new AlertNotFoundError(alertId);
  if (current.status !== 'PENDING') throw notPending(current);
  for (let attempt = 0; ; attempt++) {
    try {
      await table.doc.send(new UpdateCommand(decisionUpdate(table, alertId, decision)));
      // Read back rather than rebuilt: a merge may have counted a trigger since `current` was read.
      return (await readAlert(table, alertId)) ?? decided(current, decision);
    } catch (error) {
      const failure = conditionFailure(error);
      if (failure) throw notPendingFrom(table, alertId, failure.item);
      if (!isTransactionConflict(error)) throw error;
      if (attempt + 1 >= table.retry.maxAttempts) {
        // Out of retries: report what the alert is now if a rival decided it, else the conflict.
        const now = await readAlert(table, alertId);
        if (!now) throw new AlertNotFoundError(alertId);
        if (now.status !== 'PENDING') throw notPending(now);
        throw error;
      }
      await table.retry.sleep(backoffDelay(table.retry, attempt));
    }
  }
};
