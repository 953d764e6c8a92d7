import type { DynamoDBRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertIdFor } from '../../../src/domain/ids';
import type { AlertCandidate, AlertStore, MetricStore, RaiseOutcome } from '../../../src/domain/ports';
import type { Alert, Metric } from '../../../src/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../src/rules';
import { evaluateBatch } from '../../../src/streams/evaluate-batch';
import { type EvaluateDeps, evaluateStation } from '../../../src/use-cases/evaluate-metrics';
import { MINUTE, metric, T0 } from '../../support/metric-factory';
import { metricInserted, streamEvent, streamRecord } from '../../support/stream-records';

const WINDOW = DEFAULT_THRESHOLDS.windowMs;
const NOW = Date.UTC(2026, 0, 1);

/** Metrics in memory, with every range() call recorded. */
const memoryMetrics = (stored: readonly Metric[]) => {
  const ranges: [string, number, number][] = [];
  const store: MetricStore = {
    put: async () => {},
    putMany: async () => {},
    latest: async () => [],
    range: async (stationId, fromTs, toTs) => {
      ranges.push([stationId, fromTs, toTs]);
      return stored
        .filter((m) => m.stationId === stationId && m.timestamp >= fromTs && m.timestamp <= toTs)
        .sort((a, b) => a.timestamp - b.timestamp);
    },
  };
  return { store, ranges };
};

/** An alert store that records raises and fails the ones `fail` says. */
const recordingAlerts = (fail: (candidate: AlertCandidate, call: number) => boolean = () => false) => {
  const raised: { candidate: AlertCandidate; alertId: string; now: number }[] = [];
  let calls = 0;
  const unused = async (): Promise<never> => {
    throw new Error('not used by the evaluator');
  };
  const store: AlertStore = {
    create: unused,
    get: unused,
    list: unused,
    decide: unused,
    resolve: unused,
    pendingPastDeadline: unused,
    escalate: unused,
    setExecutionArn: unused,
    endIncident: async () => ({ kind: 'none' }),
    raise: async (candidate, alertId, now): Promise<RaiseOutcome> => {
      calls += 1;
      if (fail(candidate, calls)) throw new Error(`raise failed for ${candidate.stationId}`);
      raised.push({ candidate, alertId, now });
      return { kind: 'created', alert: { alertId } as Alert };
    },
  };
  return { store, raised };
};

const depsOf = (metrics: MetricStore, alerts: AlertStore): EvaluateDeps => ({
  metrics,
  alerts,
  clock: { now: () => NOW },
  thresholds: DEFAULT_THRESHOLDS,
});

const seq = (record: DynamoDBRecord | undefined): string => record?.dynamodb?.SequenceNumber ?? '';

describe('evaluateStation', () => {
  it('reads the station once, from the oldest record’s clearing lookback (exclusive) to the newest record', async () => {
    const records = [T0 + 3 * MINUTE, T0, T0 + MINUTE].map((ts, i) => ({
      sequenceNumber: String(100 + i),
      metric: metric({ timestamp: ts }),
    }));
    const metrics = memoryMetrics([]);
    await evaluateStation('STATION_007', records, depsOf(metrics.store, recordingAlerts().store));
    // A rule window, plus two clearing periods (one rule window each by default): src/rules/clearing.ts.
    expect(metrics.ranges).toEqual([['STATION_007', T0 - 3 * WINDOW + 1, T0 + 3 * MINUTE]]);
  });

  it('reads nothing for no records', async () => {
    const metrics = memoryMetrics([]);
    expect(await evaluateStation('S', [], depsOf(metrics.store, recordingAlerts().store))).toEqual({
      evaluated: [],
    });
    expect(metrics.ranges).toEqual([]);
  });

  it('raises each candidate under its deterministic id at the clock’s time, the stream image winning over the stored row', async () => {
    // The stored row says 20 batteries; the streamed image (a newer write of the same key) says 0.
    const stored = [metric({ timestamp: T0 - MINUTE }), metric({ timestamp: T0, chargedBatteries: 20 })];
    const alerts = recordingAlerts();
    const result = await evaluateStation(
      'STATION_007',
      [{ sequenceNumber: '1', metric: metric({ timestamp: T0, chargedBatteries: 0 }) }],
      depsOf(memoryMetrics(stored).store, alerts.store),
    );
    expect(alerts.raised).toEqual([
      {
        candidate: expect.objectContaining({
          alertType: 'LOW_INVENTORY',
          severity: 'CRITICAL',
          triggeredAt: T0,
        }),
        alertId: alertIdFor('STATION_007', 'LOW_INVENTORY', T0),
        now: NOW,
      },
    ]);
    expect(result.evaluated).toEqual([{ sequenceNumber: '1', outcomes: [expect.anything()] }]);
    expect(result.failure).toBeUndefined();
  });

  it('stops at the first record that fails, keeping what was evaluated before it', async () => {
    const records = [0, 1, 2].map((i) => ({
      sequenceNumber: String(10 + i),
      metric: metric({ timestamp: T0 + i * MINUTE, chargedBatteries: 0 }),
    }));
    const alerts = recordingAlerts((_, call) => call === 2);
    const result = await evaluateStation(
      'STATION_007',
      records,
      depsOf(memoryMetrics([]).store, alerts.store),
    );
    expect(result.evaluated.map((e) => e.sequenceNumber)).toEqual(['10']);
    expect(result.failure).toEqual({ sequenceNumber: '11', error: expect.any(Error) });
    expect(alerts.raised).toHaveLength(1);
  });
});

describe('evaluateBatch (in-memory stores)', () => {
  it('groups by station, sorts by sequence number as numbers, and reads each station once', async () => {
    const a1 = metric({ stationId: 'A', timestamp: T0 - MINUTE, chargedBatteries: 3, swapRate: 0 });
    const a2 = metric({ stationId: 'A', timestamp: T0, chargedBatteries: 0, swapRate: 0 });
    const b1 = metric({ stationId: 'B', timestamp: T0 });
    const metrics = memoryMetrics([a1, a2, b1]);
    const alerts = recordingAlerts();
    const records = [metricInserted(a2, '1000'), metricInserted(b1, '999'), metricInserted(a1, '998')];

    const result = await evaluateBatch(streamEvent(records), depsOf(metrics.store, alerts.store));

    expect(result).toEqual({
      batchItemFailures: [],
      counts: { processed: 3, skipped: 0, failed: 0 },
      stationsRead: 2,
    });
    expect(metrics.ranges.map(([station]) => station).sort()).toEqual(['A', 'B']);
    // a1 (sequence 998) before a2 (1000), although a2 came first in Records[].
    expect(alerts.raised.map((r) => r.candidate.triggeredAt)).toEqual([T0 - MINUTE, T0]);
  });

  it('reports a failing station’s record and its later ones, in stream order, and nothing else', async () => {
    const records = [
      metricInserted(metric({ stationId: 'A', timestamp: T0, chargedBatteries: 0 })),
      metricInserted(metric({ stationId: 'B', timestamp: T0 })),
      metricInserted(metric({ stationId: 'A', timestamp: T0 + MINUTE })),
      metricInserted(metric({ stationId: 'A', timestamp: T0 + 2 * MINUTE, chargedBatteries: 0 })),
    ];
    const alerts = recordingAlerts((candidate) => candidate.stationId === 'A');
    const failed: [string, string | undefined][] = [];

    const result = await evaluateBatch(streamEvent(records), depsOf(memoryMetrics([]).store, alerts.store), {
      onRecordFailed: (sequence, station) => failed.push([sequence, station]),
    });

    expect(result.batchItemFailures).toEqual(
      [records[0], records[2], records[3]].map((r) => ({ itemIdentifier: seq(r) })),
    );
    expect(result.counts).toEqual({ processed: 1, skipped: 0, failed: 3 });
    expect(failed).toEqual([[seq(records[0]), 'A']]);
  });

  it('reports a station whose read fails from its first record, and a record without a sequence number as ""', async () => {
    const metrics: MetricStore = {
      ...memoryMetrics([]).store,
      range: async (stationId) => {
        if (stationId === 'A') throw new Error('read failed');
        return [];
      },
    };
    const noSequence = metricInserted(metric({ stationId: 'B', timestamp: T0 }));
    if (noSequence.dynamodb) delete noSequence.dynamodb.SequenceNumber;
    const records = [
      metricInserted(metric({ stationId: 'A', timestamp: T0 })),
      metricInserted(metric({ stationId: 'B', timestamp: T0 + 1 })),
      metricInserted(metric({ stationId: 'A', timestamp: T0 + 2 })),
      noSequence,
    ];

    const result = await evaluateBatch(streamEvent(records), depsOf(metrics, recordingAlerts().store));

    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      ['', seq(records[0]), seq(records[2])].sort(),
    );
    expect(result.counts).toEqual({ processed: 1, skipped: 0, failed: 3 });
  });

  it('accounts for every record exactly once: processed, skipped or failed (property)', async () => {
    const recordArb = fc.record({
      kind: fc.constantFrom('insert', 'modify', 'remove', 'malformed'),
      station: fc.constantFrom('A', 'B', 'C'),
      minute: fc.integer({ min: 0, max: 20 }),
      charged: fc.constantFrom(0, 3, 20),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordArb, { maxLength: 25 }),
        fc.subarray(['A', 'B', 'C']),
        fc.integer({ min: 1, max: 5 }),
        async (specs, failingStations, failAtCall) => {
          const records = specs.map((s) => {
            const m = metric({
              stationId: s.station,
              timestamp: T0 + s.minute * MINUTE,
              chargedBatteries: s.charged,
            });
            const keys = { stationId: m.stationId, timestamp: m.timestamp };
            if (s.kind === 'remove') return streamRecord('REMOVE', keys, { oldImage: m });
            if (s.kind === 'malformed')
              return streamRecord('INSERT', keys, { newImage: { ...m, swapRate: 'fast' } });
            return streamRecord(s.kind === 'insert' ? 'INSERT' : 'MODIFY', keys, { newImage: m });
          });
          const calls = new Map<string, number>();
          const alerts = recordingAlerts((candidate) => {
            const n = (calls.get(candidate.stationId) ?? 0) + 1;
            calls.set(candidate.stationId, n);
            return failingStations.includes(candidate.stationId) && n >= failAtCall;
          });

          const result = await evaluateBatch(
            streamEvent(records),
            depsOf(memoryMetrics([]).store, alerts.store),
          );

          const { processed, skipped, failed } = result.counts;
          expect(processed + skipped + failed).toBe(records.length);
          expect(skipped).toBe(specs.filter((s) => s.kind === 'remove').length);
          const reported = result.batchItemFailures.map((f) => f.itemIdentifier);
          expect(new Set(reported).size).toBe(reported.length);
          expect(reported).toHaveLength(failed);
          for (const [i, s] of specs.entries()) {
            if (s.kind === 'malformed') expect(reported).toContain(seq(records[i]));
            if (s.kind === 'remove') expect(reported).not.toContain(seq(records[i]));
          }
          // Within a station, once a record is reported every later one in event-time order (timestamp,
          // then stream order) is too: the ones not evaluated are all reported, whatever their sequence.
          for (const station of ['A', 'B', 'C']) {
            const evaluable = specs
              .map((s, i) => ({ s, sequence: seq(records[i]), i }))
              .filter(({ s }) => s.station === station && (s.kind === 'insert' || s.kind === 'modify'))
              .sort((a, b) => a.s.minute - b.s.minute || a.i - b.i);
            const firstReported = evaluable.findIndex(({ sequence }) => reported.includes(sequence));
            if (firstReported >= 0)
              for (const { sequence } of evaluable.slice(firstReported)) expect(reported).toContain(sequence);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
