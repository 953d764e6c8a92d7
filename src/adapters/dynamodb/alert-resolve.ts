import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AlertAlreadyResolvedError, AlertNotFoundError } from '../../domain/errors';
import { SYSTEM_USER } from '../../domain/lifecycle';
import type { IncidentEnd, ManualResolution } from '../../domain/ports';
import type { Alert, AlertType } from '../../domain/types';
import { readAlert } from './alert-decide';
import { guardKeyFor } from './alert-item';
import type { AlertTable } from './alert-table';
import { backoffDelay } from './backoff';
import { fieldReader } from './item-fields';
import { cancellationReasons, conditionFailure, isTransactionConflict } from './sdk-errors';

interface Ending {
  at: number;
  by: string;
  reason?: string;
  /** Event time up to which triggers belong to this incident: a replay of them opens nothing. */
  through: number;
  now: number;
}

/** The alert as its incident ended: a PENDING alert becomes RESOLVED, a decided one keeps its status. */
const ended = (alert: Alert, ending: Ending): Alert => ({
  ...alert,
  status: alert.status === 'PENDING' ? 'RESOLVED' : alert.status,
  resolvedAt: ending.at,
  resolvedBy: ending.by,
  ...(ending.reason === undefined ? {} : { resolutionReason: ending.reason }),
  updatedAt: ending.now,
});

const alertUpdate = (table: AlertTable, alert: Alert, ending: Ending) => {
  const next = ended(alert, ending);
  return {
    TableName: table.tableName,
    Key: { alertId: alert.alertId },
    UpdateExpression:
      'SET #status = :status, resolvedAt = :at, resolvedBy = :by, updatedAt = :now' +
      (ending.reason === undefined ? '' : ', resolutionReason = :reason'),
    // The status it was read with: a decision in between is retried with the new status.
    ConditionExpression: 'attribute_not_exists(resolvedAt) AND #status = :seen',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':status': next.status,
      ':seen': alert.status,
      ':at': ending.at,
      ':by': ending.by,
      ':now': ending.now,
      ...(ending.reason === undefined ? {} : { ':reason': ending.reason }),
    },
  };
};

/**
 * Ends the incident of `alertId` once: the alert gets resolvedAt (and RESOLVED when still PENDING), and
 * in the same transaction its guard lets go, so the next trigger opens a new alert. Returns undefined
 * when it had ended already.
 */
const endIncidentOf = async (
  table: AlertTable,
  alertId: string,
  ending: (alert: Alert) => Ending | undefined,
): Promise<Alert | undefined> => {
  let guardNamesIt = true;
  for (let attempt = 0; ; attempt++) {
    const alert = await readAlert(table, alertId);
    if (!alert) throw new AlertNotFoundError(alertId);
    if (alert.resolvedAt !== undefined) return undefined;
    const end = ending(alert);
    if (!end) return undefined;
    const update = alertUpdate(table, alert, end);
    try {
      if (guardNamesIt) {
        await table.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: update },
              {
                Update: {
                  TableName: table.tableName,
                  Key: { alertId: guardKeyFor(alert.stationId, alert.alertType) },
                  UpdateExpression: 'REMOVE openAlertId SET resolvedThrough = :through, lastAlertId = :id',
                  ConditionExpression: 'openAlertId = :id',
                  ExpressionAttributeValues: { ':id': alertId, ':through': end.through },
                },
              },
            ],
          }),
        );
      } else {
        await table.doc.send(new UpdateCommand(update));
      }
      return ended(alert, end);
    } catch (error) {
      const [alertReason, guardReason] = cancellationReasons(error) ?? [];
      if (guardReason?.code === 'ConditionalCheckFailed' && alertReason?.code !== 'ConditionalCheckFailed') {
        // The guard names no incident or another one (an alert written by create()): end this alert alone.
        guardNamesIt = false;
        continue;
      }
      const raced = alertReason?.code === 'ConditionalCheckFailed' || conditionFailure(error) !== undefined;
      if (!raced && !isTransactionConflict(error)) throw error;
      if (attempt + 1 >= table.retry.maxAttempts) throw error;
      await table.retry.sleep(backoffDelay(table.retry, attempt));
    }
  }
};

/** An operator ends the incident by hand; 409 (AlertAlreadyResolvedError) when it has ended already. */
export const resolveAlert = async (
  table: AlertTable,
  alertId: string,
  resolution: ManualResolution,
): Promise<Alert> => {
  const result = await endIncidentOf(table, alertId, (alert) => ({
    at: resolution.at,
    by: resolution.by,
    reason: resolution.reason,
    // Triggers already merged belong to this incident; a later one opens the next.
    through: alert.lastSeenAt,
    now: resolution.at,
  }));
  if (result) return result;
  const now = await readAlert(table, alertId);
  if (!now) throw new AlertNotFoundError(alertId);
  throw new AlertAlreadyResolvedError(alertId, now.resolvedAt ?? resolution.at);
};

/**
 * The condition of the open incident of (stationId, alertType) cleared at event time `clearedAt`: ends
 * it, unless there is none, or a trigger newer than the clearing reading shows the condition back.
 */
export const endIncident = async (
  table: AlertTable,
  stationId: string,
  alertType: AlertType,
  clearedAt: number,
  now: number,
): Promise<IncidentEnd> => {
  const guard = (
    await table.doc.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { alertId: guardKeyFor(stationId, alertType) },
        ConsistentRead: true,
      }),
    )
  ).Item;
  const openAlertId = guard && fieldReader(table.tableName, guard).optionalString('openAlertId');
  if (!openAlertId) return { kind: 'none' };
  const alert = await endIncidentOf(table, openAlertId, (open) =>
    open.lastSeenAt >= clearedAt ? undefined : { at: clearedAt, by: SYSTEM_USER, through: clearedAt, now },
  );
  return alert ? { kind: 'resolved', alert } : { kind: 'none' };
};
