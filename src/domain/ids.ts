import { v4 as uuidv4, v5 as uuidv5 } from 'uuid';
import type { AlertType, AuditActionType } from './types';

// Fixed namespaces: changing them changes every id, which would break replay safety.
const ALERT_NAMESPACE = '6f1c1f0e-5d55-4a0e-9f43-2a7c1f9d3b10';
const AUDIT_NAMESPACE = '0b8f3a52-7c2e-4e4b-8c1d-93f5d2a6e7c4';

/** Deterministic alert id: the same trigger always names the same alert, so replays never duplicate it. */
export const alertIdFor = (stationId: string, alertType: AlertType, triggeredAt: number): string =>
  uuidv5(`${stationId}|${alertType}|${triggeredAt}`, ALERT_NAMESPACE);

/**
 * Deterministic id of a successful step: a replayed stream writes the same row, which the store refuses.
 * A step that happens more than once in an alert's life names which time it is (`occurrence`: the severity
 * raised to, the escalation level), each of which happens at most once.
 */
export const auditTaskIdFor = (alertId: string, actionType: AuditActionType, occurrence?: string): string =>
  uuidv5(
    occurrence === undefined ? `${alertId}|${actionType}` : `${alertId}|${actionType}|${occurrence}`,
    AUDIT_NAMESPACE,
  );

/** Id of one failed attempt of a step: every attempt is kept. */
export const failedAttemptTaskIdFor = (
  alertId: string,
  actionType: AuditActionType,
  attempt: string,
): string => uuidv5(`${alertId}|${actionType}|FAILED|${attempt}`, AUDIT_NAMESPACE);

/** Step Functions execution name for an alert (<= 80 chars, [A-Za-z0-9-_]). */
export const executionNameFor = (alertId: string): string => `alert-${alertId}`;

/** A new silence's id: random, as every POST /silences is a new maintenance window. */
export const newSilenceId = (): string => uuidv4();

/**
 * The `dedupKey` message attribute of every notification: the alert and the event (and which time, for
 * an event that happens more than once, such as an escalation level). A standard SNS topic delivers at
 * least once, and a retried step may publish again; a subscriber drops a message whose key it has seen.
 * The workflow's messages build the same key in infra/remediation-workflow.asl.json (States.Format).
 */
export const notificationDedupKeyFor = (alertId: string, event: string, occurrence?: string): string =>
  occurrence === undefined ? `${alertId}|${event}` : `${alertId}|${event}|${occurrence}`;
