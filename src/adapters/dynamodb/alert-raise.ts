import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type ApprovalDeadlines, deadlineFor, isOpenIncident } from '../../domain/lifecycle';
import type { AlertCandidate, RaiseOutcome } from '../../domain/ports';
import { type Alert, SEVERITIES, type Severity, severityRank } from '../../domain/types';
import { alertToItem, guardItemFor, itemToAlert } from './alert-item';
import type { AlertTable } from './alert-table';
import { backoffDelay } from './backoff';
import { fieldReader, type Item } from './item-fields';
import { cancellationReasons, conditionFailure, isTransactionConflict } from './sdk-errors';

const newAlert = (
  candidate: AlertCandidate,
  alertId: string,
  now: number,
  deadlines: ApprovalDeadlines,
): Alert => ({
  alertId,
  stationId: candidate.stationId,
  alertType: candidate.alertType,
  severity: candidate.severity,
  status: 'PENDING',
  title: candidate.title,
  description: candidate.description,
  recommendedAction: candidate.recommendedAction,
  createdAt: candidate.triggeredAt,
  updatedAt: now,
  occurrences: 1,
  lastSeenAt: candidate.triggeredAt,
  // From the trigger's event time: the same for a retried write, and as old as the condition is.
  deadlineAt: deadlineFor(candidate.severity, candidate.triggeredAt, deadlines),
  metadata: candidate.metadata,
});

/** The guard's alert is no longer open (its incident ended behind the guard's back): read the guard again. */
type MergeResult = RaiseOutcome | { kind: 'stale'; ended?: Alert };

/**
 * Raises the stored severity to the candidate's, never lowering it: the condition lists the severities
 * below the candidate's, so a concurrent raise to a higher one wins whatever the order of the writes.
 * Returns the severity the alert has afterwards, as far as this write knows.
 */
const raiseSeverity = async (
  table: AlertTable,
  alertId: string,
  { severity: stored, deadlineAt }: Pick<Alert, 'severity' | 'deadlineAt'>,
  trigger: AlertCandidate,
  now: number,
): Promise<Severity> => {
  const candidate = trigger.severity;
  if (severityRank(candidate) <= severityRank(stored)) return stored;
  // A raise shortens the approval deadline, never lengthens it.
  const raisedDeadline = deadlineFor(candidate, trigger.triggeredAt, table.deadlines);
  const deadline = deadlineAt === undefined ? raisedDeadline : Math.min(deadlineAt, raisedDeadline);
  const lower = SEVERITIES.filter((s) => severityRank(s) < severityRank(candidate));
  const placeholders = lower.map((_, i) => `:lower${i}`);
  for (let attempt = 0; ; attempt++) {
    try {
      await table.doc.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: { alertId },
          // The alert now describes what raised it: a CRITICAL alert must not cite the MEDIUM readings.
          UpdateExpression:
            'SET severity = :severity, title = :title, description = :description, ' +
            'recommendedAction = :recommendedAction, metadata = :metadata, updatedAt = :now, deadlineAt = :deadline',
          // Open incidents only, whatever their decision: an APPROVED alert still tracks its condition.
          ConditionExpression: `attribute_not_exists(resolvedAt) AND severity IN (${placeholders.join(', ')})`,
          ExpressionAttributeValues: {
            ':severity': candidate,
            ':title': trigger.title,
            ':description': trigger.description,
            ':recommendedAction': trigger.recommendedAction,
            ':metadata': trigger.metadata,
            ':now': now,
            ':deadline': deadline,
            ...Object.fromEntries(lower.map((s, i) => [`:lower${i}`, s])),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return candidate;
    } catch (error) {
      const failure = conditionFailure(error);
      // Already as high or higher, or the incident ended meanwhile: what is stored stands.
      if (failure) return failure.item ? itemToAlert(table.tableName, failure.item).severity : stored;
      // The occurrence is counted already; retrying only this write keeps the severity from being lost.
      if (!isTransactionConflict(error) || attempt + 1 >= table.retry.maxAttempts) throw error;
      await table.retry.sleep(backoffDelay(table.retry, attempt));
    }
  }
};

/** Counts a newer trigger into the open alert: occurrences + 1, lastSeenAt moved on, severity raised. */
const mergeInto = async (
  table: AlertTable,
  openAlertId: string,
  candidate: AlertCandidate,
  now: number,
): Promise<MergeResult> => {
  let merged: Alert;
  try {
    const out = await table.doc.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { alertId: openAlertId },
        UpdateExpression: 'SET occurrences = occurrences + :one, lastSeenAt = :ts, updatedAt = :now',
        // lastSeenAt < :ts makes a replayed or older trigger a no-op, so each trigger counts once. A
        // decided alert still counts: its incident lasts until the condition clears.
        ConditionExpression: 'attribute_not_exists(resolvedAt) AND lastSeenAt < :ts',
        ExpressionAttributeValues: {
          ':one': 1,
          ':ts': candidate.triggeredAt,
          ':now': now,
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    if (!out.Attributes) throw new Error(`update of alert ${openAlertId} returned no attributes`);
    merged = itemToAlert(table.tableName, out.Attributes);
  } catch (error) {
    const failure = conditionFailure(error);
    if (!failure) throw error;
    if (!failure.item) return { kind: 'stale' };
    const stored = itemToAlert(table.tableName, failure.item);
    if (!isOpenIncident(stored)) return { kind: 'stale', ended: stored };
    // This very trigger was counted already (lastSeenAt is its time): a replay, or a retry after the
    // severity raise below failed. The count stays; the severity must still reach the candidate's.
    if (
      stored.lastSeenAt === candidate.triggeredAt &&
      severityRank(candidate.severity) > severityRank(stored.severity)
    ) {
      const severity = await raiseSeverity(table, openAlertId, stored, candidate, now);
      return { kind: 'merged', alertId: openAlertId, severity, occurrences: stored.occurrences };
    }
    return { kind: 'unchanged', alertId: openAlertId };
  }
  const severity = await raiseSeverity(table, openAlertId, merged, candidate, now);
  return { kind: 'merged', alertId: openAlertId, severity, occurrences: merged.occurrences };
};

/** Lets a guard go whose incident ended, unless another writer moved it on already. */
const releaseGuard = async (table: AlertTable, guardKey: string, ended: Alert): Promise<void> => {
  try {
    await table.doc.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { alertId: guardKey },
        UpdateExpression: 'REMOVE openAlertId SET resolvedThrough = :through, lastAlertId = :id',
        ConditionExpression: 'openAlertId = :id',
        ExpressionAttributeValues: { ':id': ended.alertId, ':through': ended.lastSeenAt },
      }),
    );
  } catch (error) {
    // Moved on already: either way the next attempt reads the guard afresh.
    if (!conditionFailure(error) && !isTransactionConflict(error)) throw error;
  }
};

/** The guard as the failed write saw it, else read (consistently); undefined when there is none. */
const guardOf = async (
  table: AlertTable,
  guardKey: string,
  oldItem: Item | undefined,
): Promise<{ openAlertId?: string; lastAlertId?: string } | undefined> => {
  const item =
    oldItem ??
    (
      await table.doc.send(
        new GetCommand({ TableName: table.tableName, Key: { alertId: guardKey }, ConsistentRead: true }),
      )
    ).Item;
  if (item === undefined) return undefined;
  const f = fieldReader(table.tableName, item);
  const openAlertId = f.optionalString('openAlertId');
  const lastAlertId = f.optionalString('lastAlertId');
  return { ...(openAlertId ? { openAlertId } : {}), ...(lastAlertId ? { lastAlertId } : {}) };
};

/** How many times a raise may find a stale guard (an incident ended as it read) before giving up. */
const MAX_STALE_GUARDS = 2;

/**
 * One alert per incident of a (stationId, alertType), also under concurrent writers: the new alert is
 * written in one transaction with its guard row, which only one open incident can hold. Losing the guard
 * means an incident is open already (whatever its alert's decision), and the trigger is merged into it.
 * A guard whose incident ended remembers up to which event time triggers belonged to it
 * (`resolvedThrough`), so a replayed trigger of an ended incident opens nothing.
 */
export const raiseAlert = async (
  table: AlertTable,
  candidate: AlertCandidate,
  alertId: string,
  now: number,
): Promise<RaiseOutcome> => {
  const alert = newAlert(candidate, alertId, now, table.deadlines);
  const guard = guardItemFor(alert);
  let staleGuards = 0;
  for (let attempt = 0; ; attempt++) {
    let error: unknown;
    try {
      await table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table.tableName,
                Item: { ...guard },
                ConditionExpression:
                  'attribute_not_exists(alertId) OR (attribute_not_exists(openAlertId) AND resolvedThrough < :ts)',
                ExpressionAttributeValues: { ':ts': candidate.triggeredAt },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            {
              Put: {
                TableName: table.tableName,
                Item: alertToItem(alert),
                ConditionExpression: 'attribute_not_exists(alertId)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
          ],
        }),
      );
      return { kind: 'created', alert };
    } catch (caught) {
      error = caught;
    }

    const [guardReason, alertReason] = cancellationReasons(error) ?? [];
    // This very alert exists: the trigger was seen before (a replay).
    if (alertReason?.code === 'ConditionalCheckFailed') return { kind: 'unchanged', alertId };
    if (guardReason?.code === 'ConditionalCheckFailed') {
      const found = await guardOf(table, guard.alertId, guardReason.item);
      const openAlertId = found?.openAlertId;
      // The incident this trigger belongs to has ended: a replay, or a reading older than its end.
      if (found && openAlertId === undefined)
        return { kind: 'unchanged', alertId: found.lastAlertId ?? alertId };
      let merged: MergeResult | undefined;
      try {
        // No guard any more: the retry below can open a new alert.
        if (openAlertId !== undefined) merged = await mergeInto(table, openAlertId, candidate, now);
      } catch (mergeError) {
        // A transaction (a decision, a resolve) was in flight on the open alert: retry the whole raise.
        if (!isTransactionConflict(mergeError)) throw mergeError;
        error = mergeError;
      }
      if (merged && merged.kind !== 'stale') return merged;
      if (merged) {
        if (++staleGuards > MAX_STALE_GUARDS) {
          throw new Error(`raise of ${alertId}: the open-alert guard ${guard.alertId} stayed stale`);
        }
        // The guard names an alert whose incident ended without it (written around the store): let go.
        if (merged.ended) await releaseGuard(table, guard.alertId, merged.ended);
        continue;
      }
    } else if (!isTransactionConflict(error)) {
      throw error;
    }
    if (attempt + 1 >= table.retry.maxAttempts) throw error;
    await table.retry.sleep(backoffDelay(table.retry, attempt));
  }
};
