import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertNotPendingError } from '../../../src/domain/errors';
import { alertIdFor } from '../../../src/domain/ids';
import type { Metric } from '../../../src/domain/types';
import { evaluateBatch } from '../../../src/streams/evaluate-batch';
import { metricInserted, streamEvent } from '../../support/stream-records';
import { createEvaluatorFixture, type EvaluatorFixture, MINUTE, reading, T0 } from './support';

/**
 * An incident as a user lives it, one reading every 30 s through the evaluator on DynamoDB Local: low
 * stock, a decision, more low-stock readings, then stock back for a clearing period, then low again.
 */
describe('an alert lives as long as its incident', () => {
  let f: EvaluatorFixture;
  let station = 0;
  beforeAll(async () => {
    f = await createEvaluatorFixture();
  });
  afterAll(() => f.close());

  const every30s = (stationId: string, from: number, count: number, charged: number): Metric[] =>
    Array.from({ length: count }, (_, i) =>
      reading(stationId, from + i * 30_000, { chargedBatteries: charged, swapRate: 0 }),
    );

  /** Writes the readings, then streams them to the evaluator one batch each, as the stream would. */
  const live = async (metrics: Metric[]) => {
    await f.writeMetrics(metrics);
    for (const metric of metrics) {
      const result = await evaluateBatch(streamEvent([metricInserted(metric)]), f.deps);
      expect(result.batchItemFailures).toEqual([]);
    }
    return metrics.map((metric) => metricInserted(metric));
  };

  const alertsOf = async (stationId: string) =>
    (await f.alertRows()).filter((row) => row.stationId === stationId && row.alertType === 'LOW_INVENTORY');

  it.each(['approve', 'reject'] as const)(
    'after %s, triggers merge into the decided alert; when the condition clears the next trigger opens a new one',
    async (decision) => {
      const stationId = `LIFE_${decision}_${++station}`;
      const low = every30s(stationId, T0, 4, 2);
      await live(low);
      const firstId = alertIdFor(stationId, 'LOW_INVENTORY', T0);
      const deciding =
        decision === 'approve'
          ? { kind: 'approve' as const, by: 'ops', at: T0 + 2 * MINUTE }
          : { kind: 'reject' as const, by: 'ops', at: T0 + 2 * MINUTE, reason: 'technician already on site' };
      await f.deps.alerts.decide(firstId, deciding);

      await live(every30s(stationId, T0 + 2 * MINUTE, 4, 1));
      let rows = await alertsOf(stationId);
      expect(rows.map((r) => [r.alertId, r.occurrences])).toEqual([[firstId, 8]]);

      // Stock back for a rule window (5 min) of readings: the incident ends at the reading that completes it.
      const healthy = every30s(stationId, T0 + 4 * MINUTE, 12, 20);
      await live(healthy);
      rows = await alertsOf(stationId);
      const clearedAt = T0 + 4 * MINUTE - 30_000 + 5 * MINUTE;
      expect(rows).toEqual([
        expect.objectContaining({
          alertId: firstId,
          status: decision === 'approve' ? 'APPROVED' : 'REJECTED',
          resolvedAt: clearedAt,
          resolvedBy: 'system',
        }),
      ]);

      const again = every30s(stationId, T0 + 10 * MINUTE, 1, 2);
      await live(again);
      rows = await alertsOf(stationId);
      expect(rows.map((r) => r.alertId).sort()).toEqual(
        [firstId, alertIdFor(stationId, 'LOW_INVENTORY', T0 + 10 * MINUTE)].sort(),
      );
    },
  );

  it('a PENDING alert whose condition clears becomes RESOLVED and can no longer be decided; replays change nothing', async () => {
    const stationId = `LIFE_PENDING_${++station}`;
    const records = [
      ...(await live(every30s(stationId, T0, 3, 2))),
      ...(await live(every30s(stationId, T0 + 90_000, 12, 20))),
    ];
    const alertId = alertIdFor(stationId, 'LOW_INVENTORY', T0);
    const alert = await f.deps.alerts.get(alertId);
    expect(alert).toMatchObject({ status: 'RESOLVED', resolvedAt: T0 + 60_000 + 5 * MINUTE });
    const error = await f.deps.alerts
      .decide(alertId, { kind: 'approve', by: 'ops', at: T0 + 10 * MINUTE })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertNotPendingError);
    expect((error as AlertNotPendingError).resolvedAt).toBe(T0 + 60_000 + 5 * MINUTE);
    expect((error as Error).message).toContain('resolvedAt');

    // The whole metrics stream again, in one batch and reading by reading: nothing changes.
    const before = await f.scanAlertsTable();
    expect((await evaluateBatch(streamEvent(records), f.deps)).batchItemFailures).toEqual([]);
    for (const record of records) await evaluateBatch(streamEvent([record]), f.deps);
    expect(await f.scanAlertsTable()).toEqual(before);
  });

  it('costs nothing beyond its window read while a station stays healthy: no write, no guard read', async () => {
    const stationId = `LIFE_QUIET_${++station}`;
    const sentBefore = f.requests.sent.length;
    await live(every30s(stationId, T0, 20, 20));
    const sent = f.requests.sent.slice(sentBefore);
    expect(sent.map((r) => r.operation).filter((op) => op !== 'Query' && op !== 'BatchWriteItem')).toEqual(
      [],
    );
    expect(await alertsOf(stationId)).toEqual([]);
  });
});
