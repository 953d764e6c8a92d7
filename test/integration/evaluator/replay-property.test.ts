import type { DynamoDBRecord } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUARD_RECORD_TYPE, guardKeyFor } from '../../../src/adapters/dynamodb/alert-item';
import { alertIdFor } from '../../../src/domain/ids';
import { ALERT_TYPES, type AlertType, CHARGER_HEALTHS, type Metric } from '../../../src/domain/types';
import { DEFAULT_THRESHOLDS, evaluateWindow, windowFor } from '../../../src/rules';
import { evaluateBatch } from '../../../src/streams/evaluate-batch';
import { metricInserted, streamEvent } from '../../support/stream-records';
import { createEvaluatorFixture, type EvaluatorFixture, reading, T0 } from './support';

/** One generated reading: which station, how long after that station's previous one, and its values. */
const readingArb = fc.record({
  station: fc.integer({ min: 0, max: 2 }),
  gapMs: fc.constantFrom(15_000, 30_000, 60_000, 90_000, 240_000),
  // Biased so the rules fire often: low stock, busy stations, unhealthy chargers, recurring faults.
  chargedBatteries: fc.constantFrom(0, 1, 3, 5, 8, 20),
  swapRate: fc.constantFrom(0, 4, 12, 30, 45),
  demandSurge: fc.boolean(),
  chargerHealth: fc.constantFrom(...CHARGER_HEALTHS, 'degraded' as const),
  chargerUptime: fc.constantFrom(50, 85, 95, 99),
  faultPatterns: fc.subarray(['F1', 'F2']),
});

const MAX_RECORDS = 24;

const scenarioArb = fc.record({
  readings: fc.array(readingArb, { minLength: 8, maxLength: MAX_RECORDS }),
  // A few deliveries out of timestamp order (swap two records of the stream).
  swaps: fc.array(fc.tuple(fc.nat(MAX_RECORDS - 1), fc.nat(MAX_RECORDS - 1)), { maxLength: 3 }),
  // Which records a partial redelivery holds.
  subBatch: fc.array(fc.boolean(), { minLength: MAX_RECORDS, maxLength: MAX_RECORDS }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** The metrics of a scenario in delivery order; stations are unique to the run. */
const metricsOf = (scenario: Scenario, run: number, outOfOrder: boolean): Metric[] => {
  const clocks = [T0, T0, T0];
  const metrics = scenario.readings.map((r) => {
    clocks[r.station] = (clocks[r.station] ?? T0) + r.gapMs;
    return reading(`RUN${run}_S${r.station}`, clocks[r.station] ?? T0, {
      chargedBatteries: r.chargedBatteries,
      swapRate: r.swapRate,
      demandSurge: r.demandSurge,
      chargerHealth: r.chargerHealth,
      chargerUptime: r.chargerUptime,
      faultPatterns: r.faultPatterns,
    });
  });
  for (const [i, j] of outOfOrder ? scenario.swaps : []) {
    const a = metrics[i % metrics.length];
    const b = metrics[j % metrics.length];
    if (a && b) {
      metrics[i % metrics.length] = b;
      metrics[j % metrics.length] = a;
    }
  }
  return metrics;
};

/** The (station, alert type) pairs the pure rule engine fires for, each record on its event-time window. */
const expectedPairs = (metrics: readonly Metric[]): string[] => {
  const byStation = new Map<string, Metric[]>();
  for (const m of metrics) byStation.set(m.stationId, [...(byStation.get(m.stationId) ?? []), m]);
  const pairs = new Set<string>();
  for (const list of byStation.values()) {
    const sorted = [...list].sort((a, b) => a.timestamp - b.timestamp);
    for (const m of list) {
      for (const c of evaluateWindow(
        windowFor(sorted, m, DEFAULT_THRESHOLDS.windowMs),
        m,
        DEFAULT_THRESHOLDS,
      ))
        pairs.add(`${c.stationId}|${c.alertType}`);
    }
  }
  return [...pairs].sort();
};

// The counterexample CI found when batches were evaluated in stream order (fast-check seed -1325993984,
// path 0:2:1:1:5:5:5:6:6:7:7): its swap delivers a reading that clears an incident before the older
// trigger that opens it, so the batch left the alert PENDING and a partial redelivery
// then resolved it. Each station's records are now evaluated in event-time order.
const CLEARING_BEFORE_TRIGGER: Scenario = {
  readings: [
    {
      station: 0,
      gapMs: 15000,
      chargedBatteries: 0,
      swapRate: 0,
      demandSurge: false,
      chargerHealth: 'healthy',
      chargerUptime: 50,
      faultPatterns: [],
    },
    {
      station: 2,
      gapMs: 15000,
      chargedBatteries: 0,
      swapRate: 0,
      demandSurge: true,
      chargerHealth: 'healthy',
      chargerUptime: 50,
      faultPatterns: [],
    },
    {
      station: 0,
      gapMs: 15000,
      chargedBatteries: 0,
      swapRate: 0,
      demandSurge: true,
      chargerHealth: 'degraded',
      chargerUptime: 85,
      faultPatterns: [],
    },
    {
      station: 2,
      gapMs: 90000,
      chargedBatteries: 3,
      swapRate: 30,
      demandSurge: false,
      chargerHealth: 'healthy',
      chargerUptime: 95,
      faultPatterns: [],
    },
    {
      station: 2,
      gapMs: 30000,
      chargedBatteries: 5,
      swapRate: 4,
      demandSurge: true,
      chargerHealth: 'healthy',
      chargerUptime: 85,
      faultPatterns: [],
    },
    {
      station: 1,
      gapMs: 15000,
      chargedBatteries: 3,
      swapRate: 4,
      demandSurge: false,
      chargerHealth: 'degraded',
      chargerUptime: 99,
      faultPatterns: ['F1'],
    },
    {
      station: 2,
      gapMs: 60000,
      chargedBatteries: 8,
      swapRate: 45,
      demandSurge: true,
      chargerHealth: 'down',
      chargerUptime: 50,
      faultPatterns: [],
    },
    {
      station: 2,
      gapMs: 240000,
      chargedBatteries: 0,
      swapRate: 0,
      demandSurge: false,
      chargerHealth: 'degraded',
      chargerUptime: 50,
      faultPatterns: ['F2'],
    },
    {
      station: 2,
      gapMs: 60000,
      chargedBatteries: 20,
      swapRate: 4,
      demandSurge: true,
      chargerHealth: 'down',
      chargerUptime: 50,
      faultPatterns: [],
    },
    {
      station: 1,
      gapMs: 60000,
      chargedBatteries: 0,
      swapRate: 4,
      demandSurge: false,
      chargerHealth: 'healthy',
      chargerUptime: 50,
      faultPatterns: [],
    },
    {
      station: 2,
      gapMs: 240000,
      chargedBatteries: 1,
      swapRate: 30,
      demandSurge: false,
      chargerHealth: 'degraded',
      chargerUptime: 99,
      faultPatterns: ['F2'],
    },
  ],
  swaps: [[2, 8]],
  subBatch: [
    true,
    true,
    false,
    false,
    true,
    true,
    false,
    true,
    false,
    false,
    false,
    true,
    false,
    true,
    false,
    true,
    false,
    true,
    false,
    true,
    false,
    true,
    false,
    false,
  ],
};

describe('replaying a batch (property)', () => {
  let f: EvaluatorFixture;
  let run = 0;

  beforeAll(async () => {
    f = await createEvaluatorFixture();
  });

  afterAll(() => f.close());

  /** Delivers a scenario, then the same batch again, then part of it: the alerts table must not change. */
  const replayChangesNothing = async (scenario: Scenario, outOfOrder: boolean): Promise<void> => {
    run += 1;
    const metrics = metricsOf(scenario, run, outOfOrder);
    await f.writeMetrics(metrics);
    const records: DynamoDBRecord[] = metrics.map((m) => metricInserted(m));
    const event = streamEvent(records);

    const first = await evaluateBatch(event, f.deps);
    expect(first.batchItemFailures).toEqual([]);
    expect(first.counts).toEqual({ processed: metrics.length, skipped: 0, failed: 0 });

    // The table is the whole store: earlier runs' rows included, guard rows included, nothing ignored.
    const snapshot = await f.scanAlertsTable();

    // What this run raised agrees with the pure rule engine: every (station, type) that fired has an
    // alert, and at most one open incident (an incident may have cleared and opened again).
    const mine = snapshot.filter((row) => String(row.stationId).startsWith(`RUN${run}_`));
    const alerts = mine.filter((row) => row.recordType !== GUARD_RECORD_TYPE);
    const guards = mine.filter((row) => row.recordType === GUARD_RECORD_TYPE);
    expect([...new Set(alerts.map((a) => `${String(a.stationId)}|${String(a.alertType)}`))].sort()).toEqual(
      expectedPairs(metrics),
    );
    for (const alert of alerts) {
      const type = alert.alertType as AlertType;
      expect(ALERT_TYPES).toContain(type);
      expect(alert.status).toBe(alert.resolvedAt === undefined ? 'PENDING' : 'RESOLVED');
      expect(alert.alertId).toBe(alertIdFor(String(alert.stationId), type, Number(alert.createdAt)));
      expect(Number(alert.occurrences)).toBeGreaterThanOrEqual(1);
      expect(Number(alert.lastSeenAt)).toBeGreaterThanOrEqual(Number(alert.createdAt));
      const guard = guards.find((g) => g.alertId === guardKeyFor(String(alert.stationId), type));
      expect(guard).toBeDefined();
      if (alert.resolvedAt === undefined) expect(guard?.openAlertId).toBe(alert.alertId);
      else expect(guard?.openAlertId).not.toBe(alert.alertId);
    }
    expect(guards).toHaveLength(new Set(alerts.map((a) => `${a.stationId}|${a.alertType}`)).size);

    // The same batch again: Lambda retried it, or the function timed out after writing.
    const again = await evaluateBatch(event, f.deps);
    expect(again.batchItemFailures).toEqual([]);
    expect(await f.scanAlertsTable()).toEqual(snapshot);

    // Part of it again, in stream order: a partial-failure retry or a bisected batch.
    const part = records.filter((_, i) => scenario.subBatch[i]);
    const partial = await evaluateBatch(streamEvent(part), f.deps);
    expect(partial.batchItemFailures).toEqual([]);
    expect(await f.scanAlertsTable()).toEqual(snapshot);
  };

  it('changes nothing in the alerts table, for the whole batch and for any part of it, in any delivery order', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, (scenario) => replayChangesNothing(scenario, true)),
      // Up to 10 scenarios, but none started after 40 s: each is ~70 DynamoDB requests (transactions
      // mostly), and on a busy 2-core machine DynamoDB Local answers them 10x slower than on a quiet one.
      // fast-check fails an interrupted run that completed no scenario, so the property is always checked.
      { numRuns: 10, interruptAfterTimeLimit: 40_000 },
    );
  }, 150_000); // the limit is checked between scenarios: the last one started may still be running

  it('changes nothing when a clearing reading is delivered before the older trigger (regression)', async () => {
    await replayChangesNothing(CLEARING_BEFORE_TRIGGER, true);
  }, 60_000);
});
