import type { Silence } from '../domain/silence';
import type { Alert } from '../domain/types';
import type { DispatchBatchHooks } from '../streams/dispatch-batch';
import type { EvaluateBatchHooks } from '../streams/evaluate-batch';
import type { RecordedOutcome } from '../use-cases/record-workflow-outcome';
import type { HeartbeatOutcome } from '../use-cases/station-liveness';
import type { SweepOutcome } from '../use-cases/sweep-alerts';
import type { OfflineSweepOutcome } from '../use-cases/sweep-offline';
import {
  countAlert,
  countDecision,
  countNotificationsSent,
  countReadings,
  countRecords,
  countUnissuedWindowState,
  countWorkflow,
  recordDecisionLatency,
} from './flow-metrics';
import { logger } from './instances';
import { logAlertCreated } from './log-events';

/**
 * What each flow counts and logs, beside the use case it observes, so a handler only wires the two
 * together. Counting never fails the work: every emitter drops a bad value with a warning.
 */

/** The evaluator's hooks: alerts created or merged, failed records, per-batch counts, foreign state. */
export const evaluateHooks: Required<EvaluateBatchHooks> = {
  onAlert: (outcome, candidate, sequenceNumber) => {
    if (outcome.kind === 'created') {
      logAlertCreated(outcome.alert);
      countAlert('Created', outcome.alert.alertType, outcome.alert.severity);
    } else if (outcome.kind === 'merged') {
      countAlert('Deduplicated', candidate.alertType, outcome.severity);
      logger.info('alert deduplicated', {
        alertId: outcome.alertId,
        stationId: candidate.stationId,
        sequenceNumber,
        occurrences: outcome.occurrences,
      });
    }
  },
  onCleared: (outcome, sequenceNumber) => {
    if (outcome.kind === 'resolved') alertResolved(outcome.alert, { sequenceNumber });
  },
  onSuppressed: (candidate, silenceId, sequenceNumber) =>
    logger.info('trigger suppressed', {
      silenceId,
      stationId: candidate.stationId,
      alertType: candidate.alertType,
      severity: candidate.severity,
      triggeredAt: candidate.triggeredAt,
      sequenceNumber,
    }),
  onRecordFailed: (sequenceNumber, stationId, error) =>
    logger.error('stream record failed', { sequenceNumber, stationId, error }),
  onCounts: ({ processed, skipped, failed }) => {
    countRecords('evaluateMetrics', 'Processed', processed);
    countRecords('evaluateMetrics', 'Skipped', skipped);
    countRecords('evaluateMetrics', 'Failed', failed);
  },
  onUnissuedState: (shardId, window) => {
    countUnissuedWindowState();
    logger.warn('window state not issued by this instance', { shardId, window });
  },
};

/** The dispatcher's hooks: what each alert change recorded, failed records, per-batch counts. */
export const dispatchHooks: Required<DispatchBatchHooks> = {
  onDispatched: (outcome, sequenceNumber) => {
    if (outcome.kind === 'skipped') return;
    // Counted when first recorded, so retries and replays do not count a workflow or a message twice.
    if (outcome.recorded.includes('STEP_FUNCTION_STARTED')) countWorkflow('Started');
    if (outcome.recorded.includes('SNS_NOTIFICATION_SENT')) countNotificationsSent();
    logger.info('alert change dispatched', {
      alertId: outcome.alertId,
      sequenceNumber,
      transition: outcome.transition,
      recorded: outcome.recorded,
    });
  },
  onRecordFailed: (sequenceNumber, alertId, error) =>
    logger.error('alert change failed', { alertId, sequenceNumber, error }),
  onCounts: ({ processed, skipped, failed }) => {
    countRecords('dispatchAlertChange', 'Processed', processed);
    countRecords('dispatchAlertChange', 'Skipped', skipped);
    countRecords('dispatchAlertChange', 'Failed', failed);
  },
};

/** POST /metrics accepted a batch. */
export const readingsAccepted = ({ accepted, stations }: { accepted: number; stations: string[] }): void => {
  countReadings('Received', accepted);
  logger.info('metrics accepted', { accepted, stations: stations.length, stationIds: stations.slice(0, 20) });
};

/** POST /metrics refused a body (one count per refused request). */
export const readingsRejected = (): void => countReadings('Rejected', 1);

/** An approval or rejection was recorded; `latencyMs` is the time from the alert's creation. */
export const alertDecided = (alert: Alert, approving: boolean, actor: string, latencyMs?: number): void => {
  countDecision(approving ? 'Approved' : 'Rejected');
  if (latencyMs !== undefined) recordDecisionLatency(latencyMs);
  logger.info(approving ? 'alert approved' : 'alert rejected', {
    alertId: alert.alertId,
    stationId: alert.stationId,
    actor,
  });
};

/** An incident ended: its condition cleared (the evaluator) or an operator resolved it by hand. */
const alertResolved = (
  alert: Alert,
  context: { sequenceNumber?: string; actor?: string; reason?: string },
): void =>
  logger.info('alert resolved', {
    alertId: alert.alertId,
    stationId: alert.stationId,
    alertType: alert.alertType,
    severity: alert.severity,
    status: alert.status,
    resolvedAt: alert.resolvedAt,
    ...context,
  });

/** POST /alerts/{id}/resolve ended an incident; returns the alert, for the response. */
export const alertResolvedByHand = (alert: Alert, actor: string): Alert => {
  alertResolved(alert, { actor });
  return alert;
};

/** POST /silences added a silence, or DELETE /silences/{id} ended it; returns it, for the response. */
export const silenceChanged = (silence: Silence, actor: string): Silence => {
  logger.info(silence.endedAt === undefined ? 'silence added' : 'silence ended', {
    silenceId: silence.silenceId,
    stationId: silence.stationId,
    alertTypes: silence.alertTypes,
    startsAt: silence.startsAt,
    endsAt: silence.endsAt,
    matched: silence.matched,
    actor,
  });
  return silence;
};

/** The scheduled sweep: each escalation it wrote, then what it looked at. */
export const deadlinesSwept = (outcome: SweepOutcome): void => {
  for (const { alertId, stationId, alertType, severity, level } of outcome.escalated)
    logger.info('alert escalated', { alertId, stationId, alertType, severity, escalationLevel: level });
  logger.info('deadlines swept', { overdue: outcome.overdue, escalated: outcome.escalated.length });
};

/** A workflow's terminal status reached the audit trail (counted only the first time). */
export const workflowOutcomeRecorded = (outcome: RecordedOutcome): void => {
  if (outcome.recorded) countWorkflow(outcome.status === 'SUCCEEDED' ? 'Succeeded' : 'Failed');
  logger.info('workflow outcome recorded', { ...outcome });
};

// --- Offline stations (docs/rules.md, "Offline stations")

/** The evaluator's heartbeats: a failed write is logged once with its station (the next batch retries it). */
export const heartbeatsRecorded = (outcome: HeartbeatOutcome): void => {
  for (const { stationId, error } of outcome.failed) logger.error('heartbeat failed', { stationId, error });
  for (const { outcome: end } of outcome.resumed)
    if (end.kind === 'resolved') alertResolved(end.alert, { reason: 'readings resumed' });
};

/** The sweep's half for silent stations. */
export const offlineSwept = (outcome: OfflineSweepOutcome): void => {
  for (const { stationId, outcome: raised } of outcome.raised) {
    if (raised.kind === 'created') {
      logAlertCreated(raised.alert);
      countAlert('Created', raised.alert.alertType, raised.alert.severity);
    } else if (raised.kind === 'merged') {
      countAlert('Deduplicated', 'STATION_OFFLINE', raised.severity);
      logger.info('alert deduplicated', { alertId: raised.alertId, stationId, severity: raised.severity });
    }
  }
  for (const { stationId, silenceId } of outcome.suppressed)
    logger.info('trigger suppressed', { silenceId, stationId, alertType: 'STATION_OFFLINE' });
  for (const { outcome: end } of outcome.resumed)
    if (end.kind === 'resolved') alertResolved(end.alert, { reason: 'readings resumed' });
  logger.info('offline stations swept', {
    due: outcome.due,
    alive: outcome.alive,
    raised: outcome.raised.length,
    suppressed: outcome.suppressed.length,
  });
};
