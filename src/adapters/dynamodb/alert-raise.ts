import { DeleteCommand, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertCandidate, RaiseOutcome } from '../../domain/ports';
import { type Alert, SEVERITIES, type Severity, severityRank } from '../../domain/types';
import { alertToItem, guardItemFor, itemToAlert } from './alert-item';
import type { AlertTable } from './alert-table';
import { backoffDelay } from './backoff';
import { fieldReader, type Item } from './item-fields';
import { cancellationReasons, conditionFailure, isTransactionConflict } from './sdk-errors';

const newAlert = (candidate: AlertCandidate, alertId: string, now: number): Alert => ({
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
  metadata: candidate.metadata,
});

/** The guard's alert is no longer open (decided, or gone): the guard must go before a new alert opens. */
type MergeResult = RaiseOutcome | { kind: 'stale' };

/**
 * Raises the stored severity to the candidate's, never lowering it: the condition lists the severities
 * below the candidate's, so a concurrent raise to a higher one wins whatever the order of the writes.
 * Returns the severity the alert has afterwards, as far as this write knows.
 */
const raiseSeverity = async (
  table: AlertTable,
  alertId: string,
  stored: Severity,
  trigger: AlertCandidate,
  now: number,
): Promise<Severity> => {
  const candidate = trigger.severity;
  if (severityRank(candidate) <= severityRank(stored)) return stored;
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
            'recommendedAction = :recommendedAction, metadata = :metadata, updatedAt = :now',
          ConditionExpression: `#status = :pending AND severity IN (${placeholders.join(', ')})`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':severity': candidate,
            ':title': trigger.title,
            ':description': trigger.description,
            ':recommendedAction': trigger.recommendedAction,
            ':metadata': trigger.metadata,
            ':now': now,
            ':pending': 'PENDING',
            ...Object.fromEntries(lower.map((s, i) => [`:lower${i}`, s])),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return candidate;
    } catch (error) {
      const failure = conditionFailure(error);
      // Already as high or higher, or decided meanwhile: what is stored stands.
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
        // lastSeenAt < :ts makes a replayed or older trigger a no-op, so each trigger counts once.
        ConditionExpression: '#status = :pending AND lastSeenAt < :ts',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':ts': candidate.triggeredAt,
          ':now': now,
          ':pending': 'PENDING',
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
    if (failure.item?.status !== 'PENDING') return { kind: 'stale' };
    // This very trigger was counted already (lastSeenAt is its time): a replay, or a retry after the
    // severity raise below failed. The count stays; the severity must still reach the candidate's.
    const stored = itemToAlert(table.tableName, failure.item);
    if (
      stored.lastSeenAt === candidate.triggeredAt &&
      severityRank(candidate.severity) > severityRank(stored.severity)
    ) {
      const severity = await raiseSeverity(table, openAlertId, stored.severity, candidate, now);
      return { kind: 'merged', alertId: openAlertId, severity, occurrences: stored.occurrences };
    }
    return { kind: 'unchanged', alertId: openAlertId };
  }
  const severity = await raiseSeverity(table, openAlertId, merged.severity, candidate, now);
  return { kind: 'merged', alertId: openAlertId, severity, occurrences: merged.occurrences };
};

/** Removes a guard whose alert was decided, unless another writer replaced it already. */
const deleteStaleGuard = async (table: AlertTable, guardKey: string, openAlertId: string): Promise<void> => {
  try {
    await table.doc.send(
      new DeleteCommand({
        TableName: table.tableName,
        Key: { alertId: guardKey },
        ConditionExpression: 'openAlertId = :openAlertId',
        ExpressionAttributeValues: { ':openAlertId': openAlertId },
      }),
    );
  } catch (error) {
    // Gone or replaced: either way the next attempt reads the guard afresh.
    if (!conditionFailure(error) && !isTransactionConflict(error)) throw error;
  }
};

/** The open alert a guard names: from the failed write's old item, else read (consistently). */
const openAlertIdOf = async (
  table: AlertTable,
  guardKey: string,
  oldItem: Item | undefined,
): Promise<string | undefined> => {
  const item =
    oldItem ??
    (
      await table.doc.send(
        new GetCommand({ TableName: table.tableName, Key: { alertId: guardKey }, ConsistentRead: true }),
      )
    ).Item;
  return item === undefined ? undefined : fieldReader(table.tableName, item).string('openAlertId');
};

/** How many times a raise may find a stale guard (a decision raced it) before giving up. */
const MAX_STALE_GUARDS = 2;

/**
 * At most one PENDING alert per (stationId, alertType), also under concurrent writers: the new alert is
 * written in one transaction with its guard row, which only one open alert can hold. Losing the guard
 * means an alert is open already, and the trigger is merged into it instead.
 */
export const raiseAlert = async (
  table: AlertTable,
  candidate: AlertCandidate,
  alertId: string,
  now: number,
): Promise<RaiseOutcome> => {
  const alert = newAlert(candidate, alertId, now);
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
                ConditionExpression: 'attribute_not_exists(alertId)',
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
      const openAlertId = await openAlertIdOf(table, guard.alertId, guardReason.item);
      let merged: MergeResult | undefined;
      try {
        // No guard any more (its alert was just decided): the retry below can open a new alert.
        if (openAlertId !== undefined) merged = await mergeInto(table, openAlertId, candidate, now);
      } catch (mergeError) {
        // A decision's transaction was in flight on the open alert: retry the whole raise below.
        if (!isTransactionConflict(mergeError)) throw mergeError;
        error = mergeError;
      }
      if (merged && merged.kind !== 'stale') return merged;
      if (merged && openAlertId !== undefined) {
        if (++staleGuards > MAX_STALE_GUARDS) {
          throw new Error(`raise of ${alertId}: the open-alert guard ${guard.alertId} stayed stale`);
        }
        await deleteStaleGuard(table, guard.alertId, openAlertId);
        continue;
      }
    } else if (!isTransactionConflict(error)) {
      throw error;
    }
    if (attempt + 1 >= table.retry.maxAttempts) throw error;
    await table.retry.sleep(backoffDelay(table.retry, attempt));
  }
};
