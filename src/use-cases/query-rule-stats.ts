import { ValidationError } from '../domain/errors';
import type { Clock, RuleStatsStore } from '../domain/ports';
import { dayOf, type RuleStats, summarizeRuleStats } from '../domain/rule-stats';
import { AUDIT_TTL_DAYS } from '../domain/types';

const DAY = 86_400_000;
/** Without `from`, the statistics of the last 30 days. */
const DEFAULT_DAYS = 30;

export interface RuleStatsDeps {
  ruleStats: Pick<RuleStatsStore, 'buckets'>;
  clock: Clock;
}

export interface RuleStatsReport {
  /** The period, whole UTC days: the statistics are of the alerts opened in it. */
  from: string;
  to: string;
  rules: RuleStats[];
}

/** An ISO 8601 time or epoch ms; undefined when absent. */
const instant = (value: string | undefined, field: string): number | undefined => {
  if (value === undefined || value.trim() === '') return undefined;
  const at = /^\d+$/.test(value.trim()) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(at) || !/^\d/.test(value.trim()))
    throw new ValidationError('invalid query', [
      { path: field, message: 'must be an ISO 8601 time or epoch ms' },
    ]);
  return at;
};

/**
 * GET /rules/stats?from=&to=: per rule and severity, what operators made of the alerts opened in the
 * period, worst precision first. One Query of the counter rows, whatever the number of alerts. `from`
 * after `to`, or older than the statistics are kept (90 days), is a 400 naming the field.
 */
export const ruleStats = async (
  query: Record<string, string | undefined>,
  deps: RuleStatsDeps,
): Promise<RuleStatsReport> => {
  const now = deps.clock.now();
  const to = instant(query.to, 'to') ?? now;
  const from = instant(query.from, 'from') ?? to - DEFAULT_DAYS * DAY;
  if (from > to)
    throw new ValidationError('invalid query', [{ path: 'from', message: 'must not be after to' }]);
  if (from < now - AUDIT_TTL_DAYS * DAY)
    throw new ValidationError('invalid query', [
      {
        path: 'from',
        message: `must be within the last ${AUDIT_TTL_DAYS} days (statistics are kept that long)`,
      },
    ]);
  const fromDay = dayOf(from);
  const toDay = dayOf(to);
  return {
    from: new Date(fromDay).toISOString(),
    to: new Date(toDay + DAY - 1).toISOString(),
    rules: summarizeRuleStats(await deps.ruleStats.buckets(fromDay, toDay)),
  };
};
