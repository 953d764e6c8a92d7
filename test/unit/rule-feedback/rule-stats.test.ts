import { describe, expect, it } from 'vitest';
import { renderRuleStats } from '../../../src/cli/commands/rules';
import { ValidationError } from '../../../src/domain/errors';
import {
  durationBucket,
  type RuleStatsBucket,
  ruleStatsEventOf,
  summarizeRuleStats,
} from '../../../src/domain/rule-stats';
import { ruleStats } from '../../../src/use-cases/query-rule-stats';
import { approvedAlert, pendingAlert, rejectedAlert } from '../dispatch/fakes';

const MINUTE = 60_000;

/** The buckets the events of `alerts` add up to, as the store would keep them. */
const bucketsOf = (events: ReturnType<typeof ruleStatsEventOf>[]): RuleStatsBucket[] => {
  const rows = new Map<string, RuleStatsBucket>();
  for (const event of events) {
    if (!event) continue;
    const key = `${event.day}|${event.alertType}|${event.severity}`;
    const row = rows.get(key) ?? {
      day: event.day,
      alertType: event.alertType,
      severity: event.severity,
      counts: {},
    };
    for (const [name, n] of Object.entries(event.counts)) row.counts[name] = (row.counts[name] ?? 0) + n;
    rows.set(key, row);
  }
  return [...rows.values()];
};

describe('rule statistics', () => {
  const created = pendingAlert();
  const t = created.createdAt;

  it('turns each counted change into one keyed event on the day the alert opened', () => {
    expect(ruleStatsEventOf('created', created)).toMatchObject({
      key: `${created.alertId}#created`,
      day: Math.floor(t / 86_400_000) * 86_400_000,
      counts: { opened: 1 },
    });
    const rejected = ruleStatsEventOf('rejected', rejectedAlert({ rejectionCode: 'FALSE_ALARM' }));
    expect(rejected?.counts).toMatchObject({ rejected_FALSE_ALARM: 1 });
    // A rejection from before codes existed counts as OTHER.
    expect(ruleStatsEventOf('rejected', rejectedAlert())?.counts).toMatchObject({ rejected_OTHER: 1 });
    expect(
      ruleStatsEventOf('resolved', { ...created, status: 'RESOLVED', resolvedAt: t + 1 })?.counts,
    ).toEqual({
      resolvedUndecided: 1,
    });
    // A rejected incident that ends counts nothing more.
    expect(ruleStatsEventOf('resolved', rejectedAlert({ resolvedAt: t + 1 }))).toBeUndefined();
  });

  it('reports precision as approved / (approved + FALSE_ALARM), worst first, with medians to within 19%', () => {
    const alerts = Array.from({ length: 5 }, (_, i) => pendingAlert({ alertId: `a-${i}` }));
    const chargerDown = pendingAlert({ alertId: 'c-1', alertType: 'CHARGER_DOWN' });
    const events = [
      ...alerts.map((a) => ruleStatsEventOf('created', a)),
      ruleStatsEventOf('created', chargerDown),
      ruleStatsEventOf('approved', approvedAlert({ alertId: 'a-0', approvedAt: t + 2 * MINUTE })),
      ruleStatsEventOf('approved', approvedAlert({ alertId: 'a-1', approvedAt: t + 4 * MINUTE })),
      ruleStatsEventOf(
        'resolved',
        approvedAlert({ alertId: 'a-1', approvedAt: t + 4 * MINUTE, resolvedAt: t + 34 * MINUTE }),
      ),
      ruleStatsEventOf(
        'rejected',
        rejectedAlert({ alertId: 'a-2', rejectionCode: 'FALSE_ALARM', rejectedAt: t + 6 * MINUTE }),
      ),
      ruleStatsEventOf(
        'rejected',
        rejectedAlert({ alertId: 'a-3', rejectionCode: 'DUPLICATE', rejectedAt: t + 8 * MINUTE }),
      ),
      ruleStatsEventOf('resolved', { ...alerts[4], status: 'RESOLVED', resolvedAt: t + MINUTE } as never),
      ruleStatsEventOf(
        'approved',
        approvedAlert({ alertId: 'c-1', alertType: 'CHARGER_DOWN', approvedAt: t + MINUTE }),
      ),
    ];
    const [worst, best] = summarizeRuleStats(bucketsOf(events));
    expect(worst).toMatchObject({
      alertType: created.alertType,
      severity: created.severity,
      opened: 5,
      approved: 2,
      rejected: { FALSE_ALARM: 1, DUPLICATE: 1, ALREADY_HANDLED: 0, MAINTENANCE: 0, OTHER: 0 },
      resolvedUndecided: 1,
    });
    expect(worst?.precision).toBeCloseTo(2 / 3);
    // Decided after 2, 4, 6 and 8 minutes: the median is 4 to 6 minutes, read from log-scale buckets.
    expect(worst?.medianTimeToDecideMs).toBeGreaterThanOrEqual(4 * MINUTE * 0.81);
    expect(worst?.medianTimeToDecideMs).toBeLessThanOrEqual(6 * MINUTE * 1.19);
    expect(worst?.medianTimeToRecoverMs).toBeGreaterThanOrEqual(30 * MINUTE);
    expect(worst?.medianTimeToRecoverMs).toBeLessThanOrEqual(30 * MINUTE * 1.19);
    expect(best).toMatchObject({ alertType: 'CHARGER_DOWN', precision: 1 });

    const text = renderRuleStats({ from: 'a', to: 'b', rules: [worst, best] as never });
    expect(text.split('\n')[1]).toContain('67%');
    expect(text).toContain('FALSE_ALARM 1, DUPLICATE 1');
  });

  it('keeps buckets whose upper bound is within 19% of the duration', () => {
    for (const ms of [1_000, 59_000, 3_600_000]) {
      const upper = 2 ** (durationBucket(ms) / 4);
      expect(upper).toBeGreaterThanOrEqual(ms);
      expect(upper).toBeLessThan(ms * 1.19);
    }
  });

  it('GET /rules/stats refuses from after to, or older than the statistics are kept, naming from', async () => {
    const now = Date.UTC(2026, 10, 27);
    const deps = { ruleStats: { buckets: async () => [] }, clock: { now: () => now } };
    for (const query of [{ from: '2026-11-20', to: '2026-11-10' }, { from: '2026-01-01' }]) {
      const refused = await ruleStats(query, deps).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).issues.map((i) => i.path)).toEqual(['from']);
    }
    const bad = await ruleStats({ to: 'soon' }, deps).catch((error: unknown) => error);
    expect((bad as ValidationError).issues.map((i) => i.path)).toEqual(['to']);
    expect(await ruleStats({ from: '2026-11-20T13:00Z' }, deps)).toEqual({
      from: '2026-11-20T00:00:00.000Z',
      to: '2026-11-27T23:59:59.999Z',
      rules: [],
    });
  });
});

describe('the console rules page', () => {
  it('lists the worst precision first, rules with no verdict last, and words each figure', async () => {
    const { precisionText, rejectionsText, worstPrecisionFirst } = await import('../../../console/model');
    const row = (alertType: string, precision: number | null) => ({
      alertType,
      severity: 'MEDIUM' as const,
      opened: 1,
      approved: 0,
      rejected: {},
      resolvedUndecided: 0,
      medianTimeToDecideMs: null,
      medianTimeToRecoverMs: null,
      precision,
    });
    const sorted = worstPrecisionFirst([row('A', 0.9), row('B', null), row('C', 0.25)]);
    expect(sorted.map((r) => r.alertType)).toEqual(['C', 'A', 'B']);
    expect([precisionText(0.25), precisionText(null)]).toEqual(['25%', '—']);
    expect(rejectionsText({ FALSE_ALARM: 3, DUPLICATE: 0, OTHER: 1 })).toBe('FALSE_ALARM 3 · OTHER 1');
  });
});
