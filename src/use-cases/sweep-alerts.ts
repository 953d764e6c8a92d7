import { type ApprovalDeadlines, escalationLevelAt } from '../domain/lifecycle';
import type { AlertStore, Clock } from '../domain/ports';
import type { AlertType, Severity } from '../domain/types';
import { type OfflineSweepDeps, type OfflineSweepOutcome, sweepOffline } from './sweep-offline';

export interface SweepDeps {
  alerts: Pick<AlertStore, 'pendingPastDeadline' | 'escalate'>;
  clock: Clock;
  deadlines: ApprovalDeadlines;
}

export interface SweepOutcome {
  /** PENDING alerts past their deadline that this sweep looked at. */
  overdue: number;
  /** Each escalation this sweep wrote: the alert and the level it reached. */
  escalated: {
    alertId: string;
    stationId: string;
    alertType: AlertType;
    severity: Severity;
    level: number;
  }[];
}

/**
 * The scheduled sweep (every minute, wall clock: a deadline is about people, not readings): every
 * PENDING alert past its deadline reaches the escalation level its overdue time calls for, one level
 * per write, each conditional on the level before. A second sweep of the same minute, or one after a
 * sweep that failed half way, finishes what is left and repeats nothing; the dispatcher turns each level
 * into one audit row and one message on the escalation topic.
 */
export const sweepDeadlines = async (deps: SweepDeps): Promise<SweepOutcome> => {
  const now = deps.clock.now();
  const overdue = await deps.alerts.pendingPastDeadline(now);
  const escalated: SweepOutcome['escalated'] = [];
  for (const alert of overdue) {
    const due = escalationLevelAt(alert, now, deps.deadlines);
    for (let level = alert.escalationLevel ?? 0; level < due; level++) {
      if (!(await deps.alerts.escalate(alert.alertId, level, now))) break;
      const { alertId, stationId, alertType, severity } = alert;
      escalated.push({ alertId, stationId, alertType, severity, level: level + 1 });
    }
  }
  return { overdue: overdue.length, escalated };
};

/**
 * One scheduled run: deadlines and silent stations, each on its own, so a failure of one does not keep
 * the other from running. The run fails (and EventBridge retries it) if either did.
 */
export const sweepAlerts = async (
  deps: SweepDeps & OfflineSweepDeps,
  report: { deadlines(outcome: SweepOutcome): void; offline(outcome: OfflineSweepOutcome): void },
): Promise<void> => {
  const [deadlines, offline] = await Promise.allSettled([sweepDeadlines(deps), sweepOffline(deps)]);
  if (deadlines.status === 'fulfilled') report.deadlines(deadlines.value);
  if (offline.status === 'fulfilled') report.offline(offline.value);
  const failures = [deadlines, offline].flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, 'both halves of the sweep failed');
};
