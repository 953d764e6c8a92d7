import type { DynamoDBRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GUARD_RECORD_TYPE, guardKeyFor } from '../../../src/adapters/dynamodb/alert-item';
import { ValidationError } from '../../../src/domain/errors';
import { alertIdFor } from '../../../src/domain/ids';
import type { AlertCandidate, RaiseOutcome } from '../../../src/domain/ports';
import type { Metric } from '../../../src/domain/types';
import { evaluateBatch } from '../../../src/streams/evaluate-batch';
import { metricInserted, streamEvent, streamRecord } from '../../support/stream-records';
import { createEvaluatorFixture, type EvaluatorFixture, MINUTE, reading, T0 } from './support';

/** The Lambda-shaped INSERT of each metric, in the order given (increasing sequence numbers). */
const inserted = (metrics: readonly Metric[]): DynamoDBRecord[] => metrics.map((m) => metricInserted(m));

const sequenceOf = (record: DynamoDBRecord): string => {
  const sequence = record.dynamodb?.SequenceNumber;
  if (!sequence) throw new Error('record without a sequence number');
  return sequence;
};

/** Records the hooks' calls, to see what the store made of each candidate. */
const recordingHooks = () => {
  const alerts: { kind: RaiseOutcome['kind']; alertType: string; stationId: string; sequence: string }[] = [];
  const failures: { sequence: string; stationId: string | undefined; error: unknown }[] = [];
  return {
    alerts,
    failures,
    hooks: {
      onAlert: (outcome: RaiseOutcome, candidate: AlertCandidate, sequence: string) =>
        alerts.push({
          kind: outcome.kind,
          alertType: candidate.alertType,
          stationId: candidate.stationId,
          sequence,
        }),
      onRecordFailed: (sequence: string, stationId: string | undefined, error: unknown) =>
        failures.push({ sequence, stationId, error }),
    },
  };
};

describe('evaluateBatch on DynamoDB Local, with factory-built stream records', () => {
  let f: EvaluatorFixture;

  beforeEach(async () => {
    f = await createEvaluatorFixture();
  });

  afterEach(() => f.close());

  it('raises one PENDING alert per firing rule, with its deterministic id, severity and metadata', async () => {
    const metrics = [
      // LOW_INVENTORY CRITICAL: out of charged batteries.
      reading('S_LOW', T0, { chargedBatteries: 0, swapRate: 12, unchargedBatteries: 6 }),
      // CHARGER_DOWN CRITICAL at T0 (the degraded reading alone is one record: under minRecords).
      reading('S_CHARGER', T0 - MINUTE, { chargerHealth: 'degraded', chargerUptime: 80 }),
      reading('S_CHARGER', T0, {
        chargerHealth: 'down',
        chargerUptime: 40,
        errorLogs: ['E_CHARGER_OFFLINE'],
      }),
      // FAULT_PATTERN HIGH at T0: the same fault in 3 readings of the window.
      ...[2, 1, 0].map((m) =>
        reading('S_FAULT', T0 - m * MINUTE, { faultPatterns: ['F_OVERHEAT', ...(m === 0 ? ['F_FAN'] : [])] }),
      ),
      // HIGH_DEMAND MEDIUM at T0: surges in 3 of the last 3 readings, well stocked.
      ...[2, 1, 0].map((m) => reading('S_DEMAND', T0 - m * MINUTE, { demandSurge: true })),
      // Nothing fires.
      ...[2, 1, 0].map((m) => reading('S_QUIET', T0 - m * MINUTE)),
    ];
    await f.writeMetrics(metrics);
    f.requests.reset();

    const result = await evaluateBatch(streamEvent(inserted(metrics)), f.deps);

    expect(result).toEqual({
      batchItemFailures: [],
      counts: { processed: metrics.length, skipped: 0, failed: 0 },
      stationsRead: 5,
    });
    const alerts = await f.alertRows();
    expect(alerts.map((a) => [a.stationId, a.alertType, a.severity, a.status]).sort()).toEqual([
      ['S_CHARGER', 'CHARGER_DOWN', 'CRITICAL', 'PENDING'],
      ['S_DEMAND', 'HIGH_DEMAND', 'MEDIUM', 'PENDING'],
      ['S_FAULT', 'FAULT_PATTERN', 'HIGH', 'PENDING'],
      ['S_LOW', 'LOW_INVENTORY', 'CRITICAL', 'PENDING'],
    ]);
    for (const alert of alerts) {
      expect(alert).toMatchObject({
        alertId: alertIdFor(String(alert.stationId), alert.alertType as AlertCandidate['alertType'], T0),
        createdAt: T0,
        lastSeenAt: T0,
        occurrences: 1,
        title: expect.stringContaining(String(alert.stationId)),
        description: expect.any(String),
        recommendedAction: expect.stringContaining(String(alert.stationId)),
        updatedAt: expect.any(Number),
      });
    }
    const byType = Object.fromEntries(alerts.map((a) => [String(a.alertType), a]));
    expect(byType.LOW_INVENTORY?.metadata).toEqual({
      thresholds: { chargedBatteries: 5, depletionHours: 1 },
      observed: { chargedBatteries: 0, unchargedBatteries: 6, swapRate: 12, hoursOfStockLeft: 0 },
      triggeringTimestamps: [T0],
    });
    expect(byType.CHARGER_DOWN?.metadata).toEqual({
      thresholds: { uptimePercent: 90 },
      observed: {
        chargerHealth: 'down',
        chargerUptime: 40,
        unchargedBatteries: 4,
        errorLogs: ['E_CHARGER_OFFLINE'],
      },
      triggeringTimestamps: [T0],
    });
    expect(byType.FAULT_PATTERN?.metadata).toEqual({
      thresholds: { highRecords: 3, criticalRecords: 5 },
      observed: {
        faultPattern: 'F_OVERHEAT',
        records: 3,
        windowRecords: 3,
        qualifyingFaultPatterns: ['F_OVERHEAT'],
        recordsByFaultPattern: { F_OVERHEAT: 3 },
      },
      triggeringTimestamps: [T0 - 2 * MINUTE, T0 - MINUTE, T0],
    });
    expect(byType.HIGH_DEMAND?.metadata).toMatchObject({
      observed: { surges: 3, chargedBatteries: 20, signals: ['demandSurge'] },
      triggeringTimestamps: [T0 - 2 * MINUTE, T0 - MINUTE, T0],
    });

    // One guard row per open (station, type), naming its alert.
    const guards = (await f.scanAlertsTable()).filter((row) => row.recordType === GUARD_RECORD_TYPE);
    expect(guards).toHaveLength(4);
    for (const alert of alerts) {
      expect(guards).toContainEqual(
        expect.objectContaining({
          alertId: guardKeyFor(String(alert.stationId), alert.alertType as AlertCandidate['alertType']),
          openAlertId: alert.alertId,
        }),
      );
    }

    // Exactly one window Query per station of the batch, whatever its number of records.
    expect(f.requests.queriedStations().sort()).toEqual([
      'S_CHARGER',
      'S_DEMAND',
      'S_FAULT',
      'S_LOW',
      'S_QUIET',
    ]);
  });

  it('merges a later trigger into the open alert (occurrences, lastSeenAt, severity) instead of a second alert', async () => {
    const station = 'S_MERGE';
    const first = reading(station, T0 - MINUTE, { chargedBatteries: 3, swapRate: 0 }); // MEDIUM
    const second = reading(station, T0, { chargedBatteries: 0, swapRate: 0 }); // CRITICAL
    await f.writeMetrics([first, second]);
    const { alerts: outcomes, hooks } = recordingHooks();

    const result = await evaluateBatch(streamEvent(inserted([first, second])), f.deps, hooks);

    expect(result.batchItemFailures).toEqual([]);
    expect(outcomes.map((o) => o.kind)).toEqual(['created', 'merged']);
    const id = alertIdFor(station, 'LOW_INVENTORY', T0 - MINUTE);
    let alerts = await f.alertRows();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      alertId: id,
      status: 'PENDING',
      createdAt: T0 - MINUTE,
      lastSeenAt: T0,
      occurrences: 2,
      // Raised by the CRITICAL trigger, whose readings the alert now cites.
      severity: 'CRITICAL',
      metadata: { observed: { chargedBatteries: 0 }, triggeringTimestamps: [T0] },
    });
    const updatedAfterFirstBatch = alerts[0]?.updatedAt;

    // A later batch: a MEDIUM trigger counts, but never lowers the severity.
    const third = reading(station, T0 + MINUTE, { chargedBatteries: 2, swapRate: 0 });
    await f.writeMetrics([third]);
    await evaluateBatch(streamEvent(inserted([third])), f.deps, hooks);
    alerts = await f.alertRows();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      alertId: id,
      occurrences: 3,
      lastSeenAt: T0 + MINUTE,
      severity: 'CRITICAL',
    });
    expect(alerts[0]?.updatedAt).toBeGreaterThan(Number(updatedAfterFirstBatch));
    expect(outcomes.map((o) => o.kind)).toEqual(['created', 'merged', 'merged']);
    // Still one guard, still naming the first alert.
    const guards = (await f.scanAlertsTable()).filter((row) => row.recordType === GUARD_RECORD_TYPE);
    expect(guards).toEqual([expect.objectContaining({ openAlertId: id })]);
  });

  it('reads each station once per batch and writes nothing when no rule fires', async () => {
    const stations = ['Q_A', 'Q_B', 'Q_C'];
    // Interleaved as a real stream would deliver them: 10 readings per station, 30 s apart.
    const metrics = Array.from({ length: 10 }, (_, i) =>
      stations.map((s) => reading(s, T0 + i * 30_000, { chargedBatteries: 15 + i })),
    ).flat();
    await f.writeMetrics(metrics);
    f.requests.reset();

    const result = await evaluateBatch(streamEvent(inserted(metrics)), f.deps);

    expect(result).toEqual({
      batchItemFailures: [],
      counts: { processed: 30, skipped: 0, failed: 0 },
      stationsRead: 3,
    });
    expect(f.requests.queriedStations().sort()).toEqual(stations);
    expect(f.requests.writes()).toEqual([]);
    expect(f.requests.sent.map((r) => r.operation)).toEqual(['Query', 'Query', 'Query']);
    expect(await f.scanAlertsTable()).toEqual([]);
  });

  it('skips and counts REMOVE records (TTL expiry included) without reading or failing', async () => {
    const kept = reading('S_REMOVE', T0, { chargedBatteries: 0 });
    await f.writeMetrics([kept]);
    const expired = reading('S_REMOVE', T0 - 40 * 24 * 60 * MINUTE);
    const removals: DynamoDBRecord[] = [
      {
        ...streamRecord(
          'REMOVE',
          { stationId: expired.stationId, timestamp: expired.timestamp },
          { oldImage: expired },
        ),
        // How a TTL deletion is marked in the real event.
        userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
      },
      streamRecord('REMOVE', { stationId: 'S_OTHER', timestamp: T0 }, {}),
    ];

    f.requests.reset();
    const onlyRemovals = await evaluateBatch(streamEvent(removals), f.deps);
    expect(onlyRemovals).toEqual({
      batchItemFailures: [],
      counts: { processed: 0, skipped: 2, failed: 0 },
      stationsRead: 0,
    });
    expect(f.requests.sent).toEqual([]);

    const mixed = await evaluateBatch(
      streamEvent([
        streamRecord('REMOVE', { stationId: 'S_REMOVE', timestamp: T0 - 1 }, {}),
        metricInserted(kept),
        streamRecord('REMOVE', { stationId: 'S_OTHER', timestamp: T0 + 1 }, {}),
      ]),
      f.deps,
    );
    expect(mixed).toEqual({
      batchItemFailures: [],
      counts: { processed: 1, skipped: 2, failed: 0 },
      stationsRead: 1,
    });
    expect((await f.alertRows()).map((a) => a.alertType)).toEqual(['LOW_INVENTORY']);
  });

  it('reports a malformed record alone, by sequence number, while the rest of the batch succeeds', async () => {
    const a = [0, 1, 2].map((m) => reading('S_A', T0 + m * MINUTE, { chargedBatteries: 3 - m })); // fires each time
    const b = [reading('S_B', T0, { chargerHealth: 'down', chargerUptime: 0 })];
    await f.writeMetrics([...a, ...b]);
    const [a0, a1, a2] = a;
    const [b0] = b;
    if (!a0 || !a1 || !a2 || !b0) throw new Error('fixture');

    // A NewImage without chargerHealth (a writer that bypassed the ingest validation).
    const { chargerHealth: _dropped, ...withoutHealth } = reading('S_A', T0 + 30_000);
    const missingField = streamRecord(
      'INSERT',
      { stationId: 'S_A', timestamp: T0 + 30_000 },
      { newImage: withoutHealth },
    );
    // An event name the stream never sends.
    const unknownEvent = {
      ...metricInserted(reading('S_B', T0 + MINUTE)),
      eventName: 'UPSERT',
    } as unknown as DynamoDBRecord;
    // INSERT without NewImage (a KEYS_ONLY stream).
    const keysOnly = streamRecord('INSERT', { stationId: 'S_B', timestamp: T0 + 2 * MINUTE }, {});
    const records = [
      metricInserted(a0),
      missingField,
      metricInserted(b0),
      metricInserted(a1),
      unknownEvent,
      keysOnly,
      metricInserted(a2),
    ];
    const { failures, hooks } = recordingHooks();

    const result = await evaluateBatch(streamEvent(records), f.deps, hooks);

    const bad = [missingField, unknownEvent, keysOnly].map(sequenceOf);
    expect(result.batchItemFailures).toEqual(bad.map((itemIdentifier) => ({ itemIdentifier })));
    expect(result.counts).toEqual({ processed: 4, skipped: 0, failed: 3 });
    expect(failures.map((x) => [x.sequence, x.stationId])).toEqual(bad.map((s) => [s, undefined]));
    const invalid = failures[0]?.error;
    if (!(invalid instanceof ValidationError)) throw new Error(`not a ValidationError: ${String(invalid)}`);
    expect(invalid.issues).toEqual([expect.objectContaining({ path: 'chargerHealth' })]);
    expect(String(failures[1]?.error)).toMatch(/unknown eventName UPSERT/);
    // The records around the bad ones were evaluated: S_A's later records included.
    const alerts = await f.alertRows();
    expect(alerts.map((x) => [x.stationId, x.alertType, x.occurrences]).sort()).toEqual([
      ['S_A', 'LOW_INVENTORY', 3],
      ['S_B', 'CHARGER_DOWN', 1],
    ]);
  });

  it('evaluates each record by event time: an older reading delivered later gets its own window', async () => {
    const station = 'S_LATE';
    const r1 = reading(station, T0 - 2 * MINUTE, { chargerHealth: 'degraded', chargerUptime: 80 });
    const r2 = reading(station, T0 - MINUTE, { chargerHealth: 'degraded', chargerUptime: 75 });
    const r3 = reading(station, T0, { chargerHealth: 'healthy', chargerUptime: 99 });
    await f.writeMetrics([r1, r2, r3]);

    // r2 arrives after r3. Its window (T0-6m, T0-1m] holds r1 and r2, both degraded below 90 %: MEDIUM.
    // A window ending at the newest reading (or at the wall clock) would hold the healthy r3 and not fire.
    const result = await evaluateBatch(streamEvent(inserted([r1, r3, r2])), f.deps);

    expect(result.batchItemFailures).toEqual([]);
    const alerts = await f.alertRows();
    expect(alerts).toEqual([
      expect.objectContaining({
        alertId: alertIdFor(station, 'CHARGER_DOWN', T0 - MINUTE),
        alertType: 'CHARGER_DOWN',
        severity: 'MEDIUM',
        createdAt: T0 - MINUTE,
        lastSeenAt: T0 - MINUTE,
        metadata: expect.objectContaining({
          observed: expect.objectContaining({ records: 2, minChargerUptime: 75, maxChargerUptime: 80 }),
          triggeringTimestamps: [T0 - 2 * MINUTE, T0 - MINUTE],
        }),
      }),
    ]);
  });

  it('evaluates a station in event-time order, whatever the sequence numbers and the order of Records[]', async () => {
    const station = 'S_ORDER';
    const early = reading(station, T0 - MINUTE, { chargedBatteries: 4, swapRate: 0 });
    const late = reading(station, T0, { chargedBatteries: 0, swapRate: 0 });
    await f.writeMetrics([early, late]);
    // The stream delivered `late` first (and sequence numbers of different lengths compare as numbers).
    const lateRecord = metricInserted(late, '99');
    const earlyRecord = metricInserted(early, '100');

    await evaluateBatch(streamEvent([earlyRecord, lateRecord]), f.deps);

    // `early` was evaluated first: it opened the alert and `late` merged into it.
    expect(await f.alertRows()).toEqual([
      expect.objectContaining({
        alertId: alertIdFor(station, 'LOW_INVENTORY', T0 - MINUTE),
        occurrences: 2,
        lastSeenAt: T0,
        severity: 'CRITICAL',
      }),
    ]);
  });

  it('does not count an older trigger delivered in a later batch (documented: lastSeenAt only moves on)', async () => {
    const station = 'S_OLDER';
    const newer = reading(station, T0, { chargedBatteries: 0, swapRate: 0 });
    const older = reading(station, T0 - MINUTE, { chargedBatteries: 4, swapRate: 0 });
    await f.writeMetrics([newer, older]);
    const { alerts: outcomes, hooks } = recordingHooks();

    await evaluateBatch(streamEvent(inserted([newer])), f.deps, hooks);
    await evaluateBatch(streamEvent(inserted([older])), f.deps, hooks);

    expect(outcomes.map((o) => o.kind)).toEqual(['created', 'unchanged']);
    expect(await f.alertRows()).toEqual([
      expect.objectContaining({
        alertId: alertIdFor(station, 'LOW_INVENTORY', T0),
        occurrences: 1,
        createdAt: T0,
        lastSeenAt: T0,
        severity: 'CRITICAL',
      }),
    ]);
  });

  it('replaying a batch changes nothing: every outcome unchanged, the table identical', async () => {
    const metrics = [
      ...[0, 1, 2].map((m) =>
        reading('S_REPLAY', T0 + m * MINUTE, { chargedBatteries: 5 - 2 * m, faultPatterns: ['F1'] }),
      ),
      reading('S_REPLAY_2', T0, { chargerHealth: 'down' }),
    ];
    await f.writeMetrics(metrics);
    const event = streamEvent(inserted(metrics));
    await evaluateBatch(event, f.deps);
    const before = await f.scanAlertsTable();
    expect(before.length).toBeGreaterThan(0);

    const { alerts: outcomes, hooks } = recordingHooks();
    const replay = await evaluateBatch(event, f.deps, hooks);

    expect(replay.batchItemFailures).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.every((o) => o.kind === 'unchanged')).toBe(true);
    expect(await f.scanAlertsTable()).toEqual(before);
  });
});
