import type { Alert } from './alert';
import {
  ALERT_TYPES,
  type AlertType,
  DEFAULT_REJECTION_CODE,
  REJECTION_CODES,
  type RejectionCode,
  SEVERITIES,
  type Severity,
} from './alert-vocabulary';

/**
 * Rule statistics (docs/rules.md, "Rule statistics"): how each rule's alerts fare with operators, kept as
 * it happens rather than computed by scanning the alerts table. Each change of an alert the dispatcher
 * sees becomes at most one event of counters; the store adds an event once (a marker keyed by alert and
 * event makes a replay a no-op). Counters live in one bucket per day (UTC, of the alert's createdAt: the
 * statistics of a period are about the alerts opened in it), rule and severity.
 */

const DAY = 86_400_000;

/** The alert changes that count. */
export type RuleStatsTransition = 'created' | 'approved' | 'rejected' | 'resolved';

export interface RuleStatsEvent {
  /** Once per alert and event: the store's idempotency key. */
  key: string;
  /** Start of the UTC day of the alert's createdAt, epoch ms. */
  day: number;
  alertType: AlertType;
  severity: Severity;
  /** Counter name -> amount to add. */
  counts: Record<string, number>;
}

/** One stored bucket: a day's counters of a rule at a severity. */
export interface RuleStatsBucket {
  day: number;
  alertType: AlertType;
  severity: Severity;
  counts: Record<string, number>;
}

// Durations are kept as log-scale histograms so a median needs no list of every value: bucket b holds
// durations up to 2^(b/4) ms, so a median read from it is within 19% of the exact one.
const BUCKETS_PER_DOUBLING = 4;
export const DECIDE_PREFIX = 'decideMs_';
export const RECOVER_PREFIX = 'recoverMs_';

export const durationBucket = (ms: number): number =>
  Math.ceil(Math.log2(Math.max(1, ms)) * BUCKETS_PER_DOUBLING);

const bucketValue = (bucket: number): number => Math.round(2 ** (bucket / BUCKETS_PER_DOUBLING));

export const dayOf = (at: number): number => Math.floor(at / DAY) * DAY;

/**
 * The counters a change of `alert` adds, or undefined when it counts nothing: created -> opened; approved
 * -> approved and the time to decide; rejected -> rejected by code (OTHER without one) and the time to
 * decide; resolved -> resolvedUndecided when nobody decided, the time to recover (resolvedAt - approvedAt)
 * when it was approved.
 */
export const ruleStatsEventOf = (
  transition: RuleStatsTransition,
  alert: Alert,
): RuleStatsEvent | undefined => {
  const counts: Record<string, number> = {};
  if (transition === 'created') counts.opened = 1;
  else if (transition === 'approved') {
    counts.approved = 1;
    if (alert.approvedAt !== undefined)
      counts[`${DECIDE_PREFIX}${durationBucket(alert.approvedAt - alert.createdAt)}`] = 1;
  } else if (transition === 'rejected') {
    counts[`rejected_${alert.rejectionCode ?? DEFAULT_REJECTION_CODE}`] = 1;
    if (alert.rejectedAt !== undefined)
      counts[`${DECIDE_PREFIX}${durationBucket(alert.rejectedAt - alert.createdAt)}`] = 1;
  } else if (alert.status === 'RESOLVED') counts.resolvedUndecided = 1;
  else if (alert.status === 'APPROVED' && alert.approvedAt !== undefined && alert.resolvedAt !== undefined)
    counts[`${RECOVER_PREFIX}${durationBucket(alert.resolvedAt - alert.approvedAt)}`] = 1;
  else return undefined;
  return {
    key: `${alert.alertId}#${transition}`,
    day: dayOf(alert.createdAt),
    alertType: alert.alertType,
    severity: alert.severity,
    counts,
  };
};

/** What `GET /rules/stats` and `ai-ops rules stats` report for one rule at one severity. */
export interface RuleStats {
  alertType: AlertType;
  severity: Severity;
  opened: number;
  approved: number;
  rejected: Record<RejectionCode, number>;
  resolvedUndecided: number;
  /** Median time from the alert's opening to its decision, ms (to within 19%); null with no decision. */
  medianTimeToDecideMs: number | null;
  /** Median time from approval to the incident's end, ms (to within 19%); null with none. */
  medianTimeToRecoverMs: number | null;
  /** approved / (approved + FALSE_ALARM); null with neither. */
  precision: number | null;
}

const medianOf = (histogram: Map<number, number>): number | null => {
  const total = [...histogram.values()].reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket) ?? 0;
    if (seen * 2 >= total) return bucketValue(bucket);
  }
  return null;
};

const add = (histogram: Map<number, number>, bucket: number, n: number) =>
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + n);

/** The buckets of a period summed per rule and severity, worst precision first (rules without one last). */
export const summarizeRuleStats = (buckets: readonly RuleStatsBucket[]): RuleStats[] => {
  const rows = new Map<
    string,
    { stats: RuleStats; decide: Map<number, number>; recover: Map<number, number> }
  >();
  for (const bucket of buckets) {
    const key = `${bucket.alertType}\u0000${bucket.severity}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        stats: {
          alertType: bucket.alertType,
          severity: bucket.severity,
          opened: 0,
          approved: 0,
          rejected: Object.fromEntries(REJECTION_CODES.map((code) => [code, 0])) as Record<
            RejectionCode,
            number
          >,
          resolvedUndecided: 0,
          medianTimeToDecideMs: null,
          medianTimeToRecoverMs: null,
          precision: null,
        },
        decide: new Map(),
        recover: new Map(),
      };
      rows.set(key, row);
    }
    for (const [name, n] of Object.entries(bucket.counts)) {
      if (name === 'opened') row.stats.opened += n;
      else if (name === 'approved') row.stats.approved += n;
      else if (name === 'resolvedUndecided') row.stats.resolvedUndecided += n;
      else if (name.startsWith('rejected_')) {
        const code = name.slice('rejected_'.length) as RejectionCode;
        if (code in row.stats.rejected) row.stats.rejected[code] += n;
      } else if (name.startsWith(DECIDE_PREFIX)) add(row.decide, Number(name.slice(DECIDE_PREFIX.length)), n);
      else if (name.startsWith(RECOVER_PREFIX))
        add(row.recover, Number(name.slice(RECOVER_PREFIX.length)), n);
    }
  }
  const order = (s: RuleStats) =>
    ALERT_TYPES.indexOf(s.alertType) * SEVERITIES.length + SEVERITIES.indexOf(s.severity);
  return [...rows.values()]
    .map(({ stats, decide, recover }) => {
      const judged = stats.approved + stats.rejected.FALSE_ALARM;
      return {
        ...stats,
        medianTimeToDecideMs: medianOf(decide),
        medianTimeToRecoverMs: medianOf(recover),
        precision: judged === 0 ? null : stats.approved / judged,
      };
    })
    .sort((a, b) => {
      if (a.precision !== b.precision) {
        if (a.precision === null) return 1;
        if (b.precision === null) return -1;
        return a.precision - b.precision;
      }
      return order(a) - order(b);
    });
};
