import { auditTaskIdFor, failedAttemptTaskIdFor } from '../domain/ids';
import { SYSTEM_USER } from '../domain/lifecycle';
import type {
  AlertNotifier,
  AlertStore,
  AuditStore,
  Clock,
  EscalationNotifier,
  Once,
  RemediationWorkflow,
  RuleStatsStore,
} from '../domain/ports';
import { ruleStatsEventOf } from '../domain/rule-stats';
import {
  type Alert,
  AUDIT_TTL_DAYS,
  type AuditActionType,
  type AuditEvent,
  severityRank,
  ttlAfterDays,
} from '../domain/types';
import { isGuardImage, parseAlertImage } from './alert-image';

/** One change of the alerts table, as its stream delivers it (images already unmarshalled). */
export interface AlertChange {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  newImage?: Record<string, unknown>;
  oldImage?: Record<string, unknown>;
  sequenceNumber: string;
}

export interface DispatchDeps {
  alerts: Pick<AlertStore, 'setExecutionArn'>;
  audit: Pick<AuditStore, 'append'>;
  workflow: RemediationWorkflow;
  notifier: AlertNotifier;
  escalations: EscalationNotifier;
  clock: Clock;
  once: Once;
  /** Rule statistics, counted once per alert and transition; without it nothing is counted. */
  ruleStats?: Pick<RuleStatsStore, 'count'>;
}

export type Transition = 'created' | 'approved' | 'rejected' | 'severity-raised' | 'resolved' | 'escalated';

export type SkipReason = 'removed' | 'not-an-alert' | 'no-transition';

export type DispatchOutcome =
  | { kind: 'skipped'; reason: SkipReason; alertId?: string }
  | {
      kind: 'dispatched';
      alertId: string;
      transition: Transition;
      /** Every step the transition calls for, in order; all of them are done when this returns. */
      actions: AuditActionType[];
      /** The steps whose audit row this call wrote: empty on a replay of work already done. */
      recorded: AuditActionType[];
    };

/** A MODIFY without its old image: the stream must be NEW_AND_OLD_IMAGES to tell transitions apart. */
export class MissingOldImageError extends Error {
  constructor(readonly sequenceNumber: string) {
    super(`MODIFY ${sequenceNumber} has no OldImage (the alerts stream must be NEW_AND_OLD_IMAGES)`);
    this.name = 'MissingOldImageError';
  }
}

// An approval or rejection always names its operator; should one not, the trail still gets its row.
const UNKNOWN_USER = 'unknown';

/** What a step did, for its audit row. */
interface StepResult {
  userId: string;
  details: Record<string, unknown>;
}

const errorMessageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The steps of one change, each audited. A step's success row has a deterministic taskId, so redoing
 * a step (retry, replayed stream) writes nothing new; a failed attempt gets a row of its own and the
 * error goes on, so the stream record is reported failed and retried.
 */
class StepRunner {
  readonly actions: AuditActionType[] = [];
  readonly recorded: AuditActionType[] = [];

  constructor(
    private readonly alertId: string,
    private readonly sequenceNumber: string,
    private readonly deps: DispatchDeps,
  ) {}

  async run(
    actionType: AuditActionType,
    step: () => Promise<StepResult>,
    occurrence?: string,
  ): Promise<void> {
    let wrote: boolean;
    try {
      const result = await step();
      wrote = await this.deps.audit.append(
        this.event(auditTaskIdFor(this.alertId, actionType, occurrence), actionType, result),
      );
    } catch (error) {
      await this.recordFailure(actionType, error);
      throw error;
    }
    this.actions.push(actionType);
    if (wrote) this.recorded.push(actionType);
  }

  private async recordFailure(actionType: AuditActionType, error: unknown): Promise<void> {
    const now = this.deps.clock.now();
    const taskId = failedAttemptTaskIdFor(this.alertId, actionType, `${this.sequenceNumber}:${now}`);
    try {
      await this.deps.audit.append({
        ...this.event(taskId, actionType, {
          userId: SYSTEM_USER,
          details: { sequenceNumber: this.sequenceNumber },
        }),
        status: 'FAILED',
        errorMessage: errorMessageOf(error),
      });
    } catch {
      // The audit store itself is failing; the step's own error (rethrown by run) is the one to report,
      // and the retry will try to record both again.
    }
  }

  private event(taskId: string, actionType: AuditActionType, { userId, details }: StepResult): AuditEvent {
    const now = this.deps.clock.now();
    return {
      taskId,
      alertId: this.alertId,
      actionType,
      timestamp: now,
      userId,
      details,
      status: 'SUCCESS',
      ttl: ttlAfterDays(now, AUDIT_TTL_DAYS),
    };
  }
}

const created = (alert: Alert, steps: StepRunner): Promise<void> =>
  steps.run('ALERT_CREATED', async () => ({
    userId: SYSTEM_USER,
    details: {
      alertType: alert.alertType,
      severity: alert.severity,
      stationId: alert.stationId,
      title: alert.title,
    },
  }));

const rejected = (alert: Alert, steps: StepRunner): Promise<void> =>
  steps.run('ALERT_REJECTED', async () => ({
    userId: alert.rejectedBy ?? UNKNOWN_USER,
    details: {
      rejectionReason: alert.rejectionReason,
      rejectedBy: alert.rejectedBy,
      ...(alert.rejectionCode === undefined ? {} : { rejectionCode: alert.rejectionCode }),
    },
  }));

const approved = async (alert: Alert, steps: StepRunner, deps: DispatchDeps): Promise<void> => {
  await steps.run('ALERT_APPROVED', async () => ({
    userId: alert.approvedBy ?? UNKNOWN_USER,
    details: { approvedBy: alert.approvedBy },
  }));
  await steps.run('STEP_FUNCTION_STARTED', async () => {
    // Idempotent per alert: a retry gets the same execution back (alreadyStarted) rather than a second one.
    const { executionArn, alreadyStarted } = await deps.workflow.start(alert);
    await deps.alerts.setExecutionArn(alert.alertId, executionArn, deps.clock.now());
    return { userId: SYSTEM_USER, details: { executionArn, alreadyStarted } };
  });
  await steps.run('SNS_NOTIFICATION_SENT', async () => {
    // SNS has no idempotent publish: `once` remembers the first successful one, so a retry or a replay
    // of this approval never notifies the subscribers twice.
    const { messageId, topicArn } = await deps.once(`publish:${alert.alertId}`, () =>
      deps.notifier.publishApproved(alert),
    );
    return { userId: SYSTEM_USER, details: { messageId, topicArn } };
  });
};

const severityRaised = (alert: Alert, before: Alert | undefined, steps: StepRunner): Promise<void> =>
  steps.run(
    'ALERT_SEVERITY_RAISED',
    async () => ({
      userId: SYSTEM_USER,
      details: {
        from: before?.severity,
        to: alert.severity,
        // The reading that raised it: the newest trigger merged (the merge precedes the raise).
        triggeringReading: { stationId: alert.stationId, timestamp: alert.lastSeenAt },
      },
    }),
    // Severity only rises, so each severity is reached at most once.
    alert.severity,
  );

const resolved = (alert: Alert, steps: StepRunner): Promise<void> =>
  steps.run('ALERT_RESOLVED', async () => ({
    userId: alert.resolvedBy ?? SYSTEM_USER,
    details: {
      resolvedAt: alert.resolvedAt,
      resolvedBy: alert.resolvedBy,
      status: alert.status,
      ...(alert.resolutionReason === undefined ? {} : { reason: alert.resolutionReason }),
    },
  }));

const escalated = async (alert: Alert, steps: StepRunner, deps: DispatchDeps): Promise<void> => {
  const level = alert.escalationLevel ?? 0;
  await steps.run(
    'ALERT_ESCALATED',
    async () => {
      // Like the approval's notification: `once` keeps a retried or replayed escalation to one message.
      const { messageId, topicArn } = await deps.once(`escalate:${alert.alertId}:${level}`, () =>
        deps.escalations.publishEscalation(alert, level),
      );
      return { userId: SYSTEM_USER, details: { level, deadlineAt: alert.deadlineAt, messageId, topicArn } };
    },
    String(level),
  );
};

/** Each write of the alerts table makes at most one of these changes. */
const transitionOf = (change: AlertChange): Transition | undefined => {
  if (change.eventName === 'INSERT') return 'created';
  const before = change.oldImage;
  const after = change.newImage ?? {};
  if (!before) throw new MissingOldImageError(change.sequenceNumber);
  if (before.status === 'PENDING' && after.status === 'APPROVED') return 'approved';
  if (before.status === 'PENDING' && after.status === 'REJECTED') return 'rejected';
  if (before.resolvedAt === undefined && after.resolvedAt !== undefined) return 'resolved';
  const levelBefore = typeof before.escalationLevel === 'number' ? before.escalationLevel : 0;
  const levelAfter = typeof after.escalationLevel === 'number' ? after.escalationLevel : 0;
  if (levelAfter > levelBefore) return 'escalated';
  const isSeverity = (value: unknown): value is Alert['severity'] =>
    typeof value === 'string' && ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].includes(value);
  if (
    isSeverity(before.severity) &&
    isSeverity(after.severity) &&
    severityRank(after.severity) > severityRank(before.severity)
  )
    return 'severity-raised';
  return undefined;
};

/**
 * Turns one change of the alerts table into its side effects: the audit trail of creation, decision,
 * severity raise, resolve and escalation; for an approval the remediation workflow and the notification;
 * for an escalation the escalation topic. Other changes (merged triggers, the execution ARN, the
 * remediation outcome) call for nothing.
 * Safe to call again for the same change: done steps are no-ops, so a retry finishes what failed.
 */
export const dispatchAlertChange = async (
  change: AlertChange,
  deps: DispatchDeps,
): Promise<DispatchOutcome> => {
  if (change.eventName === 'REMOVE') return { kind: 'skipped', reason: 'removed' };
  const image = change.newImage;
  if (!image || isGuardImage(image)) return { kind: 'skipped', reason: 'not-an-alert' };

  const transition = transitionOf(change);
  const alertId = typeof image.alertId === 'string' ? image.alertId : undefined;
  if (!transition) return { kind: 'skipped', reason: 'no-transition', ...(alertId ? { alertId } : {}) };

  const alert = parseAlertImage(image);
  const steps = new StepRunner(alert.alertId, change.sequenceNumber, deps);
  if (transition === 'created') await created(alert, steps);
  else if (transition === 'rejected') await rejected(alert, steps);
  else if (transition === 'approved') await approved(alert, steps, deps);
  else if (transition === 'resolved') await resolved(alert, steps);
  else if (transition === 'escalated') await escalated(alert, steps, deps);
  else await severityRaised(alert, change.oldImage ? parseAlertImage(change.oldImage) : undefined, steps);
  // After the steps, so a failed step is retried with the record and the count follows it; the count
  // itself is idempotent (keyed by alert and transition), so a replay or a retry adds nothing.
  if (deps.ruleStats && transition !== 'escalated' && transition !== 'severity-raised') {
    const event = ruleStatsEventOf(transition, alert);
    if (event) await deps.ruleStats.count(event);
  }

  return {
    kind: 'dispatched',
    alertId: alert.alertId,
    transition,
    actions: steps.actions,
    recorded: steps.recorded,
  };
};
