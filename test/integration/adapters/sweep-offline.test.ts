import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoAlertStore } from '../../../src/adapters/dynamodb/alert-store';
import { DynamoLastSeenStore } from '../../../src/adapters/dynamodb/last-seen-store';
import { DynamoMetricStore } from '../../../src/adapters/dynamodb/metric-store';
import { DynamoSilenceStore } from '../../../src/adapters/dynamodb/silence-store';
import { alertIdFor } from '../../../src/domain/ids';
import { DEFAULT_APPROVAL_DEADLINES } from '../../../src/domain/lifecycle';
import { createTables } from '../../../src/local/create-tables';
import { SilenceCheck } from '../../../src/use-cases/silence-check';
import { StationHeartbeats } from '../../../src/use-cases/station-liveness';
import { sweepAlerts } from '../../../src/use-cases/sweep-alerts';
import { sweepOffline } from '../../../src/use-cases/sweep-offline';
import { createTestTables, type TestTables } from '../../support/tables';
import { candidateAt, idOf, metricAt } from './fixtures';

/**
 * Silent stations on DynamoDB Local, with an injected wall clock (no sleeping): the evaluator's heartbeats
 * (StationHeartbeats) and the scheduled sweep, as the two functions run them.
 */
const OFFLINE_AFTER = 180_000;
const T0 = 1_800_000_000_000;

let t: TestTables;
let now = T0;
const clock = { now: () => now };
let alerts: DynamoAlertStore;
let metrics: DynamoMetricStore;
let lastSeen: DynamoLastSeenStore;
let silenceStore: DynamoSilenceStore;
let heartbeats: StationHeartbeats;

beforeAll(async () => {
  t = await createTestTables();
  // test/support/tables.ts names the four tables of record; the last-seen table is made here the same way.
  const resources = inject('tableResources').filter((r) => r.logicalId === 'LastSeenTable');
  const suffix = randomUUID().slice(0, 8);
  const { LastSeenTable: name = '' } = await createTables(t.client, resources, (n) => `${n}-${suffix}`);
  alerts = new DynamoAlertStore({ doc: t.doc, tableName: t.names.alerts });
  metrics = new DynamoMetricStore({ doc: t.doc, tableName: t.names.metrics });
  lastSeen = new DynamoLastSeenStore({ doc: t.doc, tableName: name });
  silenceStore = new DynamoSilenceStore({ doc: t.doc, tableName: t.names.alerts });
  heartbeats = new StationHeartbeats({ lastSeen, alerts, clock, offlineAfterMs: OFFLINE_AFTER });
});

let counter = 0;
const station = (): string => `ST-OFFLINE-${++counter}-${randomUUID().slice(0, 4)}`;

/** A reading arrives at `at` (wall clock and event time alike) and the evaluator's batch sees it. */
const reading = async (stationId: string, at: number) => {
  now = at;
  await metrics.put(metricAt(stationId, at));
  return heartbeats.record([{ stationId, readingAt: at, writtenAt: at }]);
};

const deps = () => ({
  lastSeen,
  metrics,
  alerts,
  clock,
  offlineAfterMs: OFFLINE_AFTER,
  silences: new SilenceCheck(silenceStore, clock, 0),
});
const sweepAt = (at: number) => {
  now = at;
  return sweepOffline(deps());
};
const raisedFor = (stationId: string, outcome: Awaited<ReturnType<typeof sweepOffline>>) =>
  outcome.raised.filter((r) => r.stationId === stationId).map((r) => r.outcome.kind);

describe('silent stations -> STATION_OFFLINE', () => {
  it('raises HIGH once after offlineAfter and CRITICAL once after 4x, however often the sweep runs; clears when readings resume', async () => {
    const id = station();
    await reading(id, T0);

    expect(raisedFor(id, await sweepAt(T0 + OFFLINE_AFTER - 1))).toEqual([]);
    // Twice for the same minute: the second run raises nothing.
    expect(raisedFor(id, await sweepAt(T0 + OFFLINE_AFTER))).toEqual(['created']);
    expect(raisedFor(id, await sweepAt(T0 + OFFLINE_AFTER))).toEqual([]);
    const alertId = alertIdFor(id, 'STATION_OFFLINE', T0 + OFFLINE_AFTER);
    expect(await alerts.get(alertId)).toMatchObject({
      alertType: 'STATION_OFFLINE',
      severity: 'HIGH',
      status: 'PENDING',
      createdAt: T0 + OFFLINE_AFTER,
      deadlineAt: T0 + OFFLINE_AFTER + DEFAULT_APPROVAL_DEADLINES.HIGH,
      metadata: { observed: { lastSeenAt: T0 } },
    });

    expect(raisedFor(id, await sweepAt(T0 + 4 * OFFLINE_AFTER))).toEqual(['merged']);
    expect(raisedFor(id, await sweepAt(T0 + 4 * OFFLINE_AFTER))).toEqual([]);
    // CRITICAL is the last step: the row has left the due index, so later sweeps do not read it.
    expect((await sweepAt(T0 + 20 * OFFLINE_AFTER)).raised.filter((r) => r.stationId === id)).toEqual([]);
    expect(await alerts.get(alertId)).toMatchObject({ severity: 'CRITICAL', occurrences: 2 });

    const resumed = await reading(id, T0 + 21 * OFFLINE_AFTER);
    expect(resumed.resumed.map((r) => r.outcome.kind)).toEqual(['resolved']);
    expect(await alerts.get(alertId)).toMatchObject({
      status: 'RESOLVED',
      resolvedAt: T0 + 21 * OFFLINE_AFTER,
      resolvedBy: 'system',
    });
    // Silent again: a new incident, a new alert.
    expect(raisedFor(id, await sweepAt(T0 + 22 * OFFLINE_AFTER))).toEqual(['created']);
  });

  it("never raises a station that reports every 5 s, with the stream's creation time rounded down to the minute", async () => {
    // DynamoDB Streams (and DynamoDB Local) give ApproximateCreationDateTime to the minute: dating a
    // heartbeat by it made rows up to a minute stale, and npm start (offlineAfter 45 s) raised, then
    // resolved, every healthy station at its second minute.
    const offlineAfterMs = 45_000;
    const beats = new StationHeartbeats({ lastSeen, alerts, clock, offlineAfterMs });
    const id = station();
    const start = T0 + 7_000;
    // The scheduled sweep runs every minute at no particular second: here it looks between any two readings.
    for (let at = start; at <= start + 5 * 60_000; at += 5_000) {
      if (at > start) {
        now = at - 1_000;
        const swept = await sweepOffline({ ...deps(), offlineAfterMs });
        expect(raisedFor(id, swept), `${now - start} ms after the first reading`).toEqual([]);
      }
      now = at;
      await metrics.put(metricAt(id, at));
      await beats.record([{ stationId: id, readingAt: at, writtenAt: Math.floor(at / 60_000) * 60_000 }]);
    }
  });

  it('writes a heartbeat at most once per 0.85 x offlineAfter, and a reading after the last one keeps the station from being raised', async () => {
    const id = station();
    expect((await reading(id, T0)).written).toBe(1);
    // Within the heartbeat period: no write (the row still says T0).
    expect((await reading(id, T0 + 100_000)).written).toBe(0);

    const early = await sweepAt(T0 + OFFLINE_AFTER);
    expect(raisedFor(id, early)).toEqual([]);
    expect(early.alive).toBeGreaterThanOrEqual(1);
    // Offline only once silent for offlineAfter after the newest reading, whichever heartbeat said so.
    expect(raisedFor(id, await sweepAt(T0 + 100_000 + OFFLINE_AFTER - 1))).toEqual([]);
    expect(raisedFor(id, await sweepAt(T0 + 100_000 + OFFLINE_AFTER))).toEqual(['created']);
    expect(await alerts.get(alertIdFor(id, 'STATION_OFFLINE', T0 + 100_000 + OFFLINE_AFTER))).toBeDefined();
  });

  it('a silence suppresses it (counted once per step); when the silence ends the next sweep raises it', async () => {
    const id = station();
    const silenceId = randomUUID();
    await silenceStore.create({
      silenceId,
      stationId: id,
      alertTypes: ['STATION_OFFLINE'],
      startsAt: T0,
      endsAt: T0 + 2 * OFFLINE_AFTER,
      reason: 'maintenance',
      createdBy: 'operator-1',
      createdAt: T0,
      matched: 0,
    });
    await reading(id, T0);
    const first = await sweepAt(T0 + OFFLINE_AFTER);
    expect(first.suppressed).toContainEqual({ stationId: id, silenceId });
    expect(raisedFor(id, first)).toEqual([]);
    expect(raisedFor(id, await sweepAt(T0 + OFFLINE_AFTER + 30_000))).toEqual([]);
    const [silence] = (await silenceStore.endingAfter(T0)).filter((s) => s.silenceId === silenceId);
    expect(silence?.matched).toBe(1);

    expect(raisedFor(id, await sweepAt(T0 + 2 * OFFLINE_AFTER))).toEqual(['created']);
    expect(await alerts.get(alertIdFor(id, 'STATION_OFFLINE', T0 + OFFLINE_AFTER))).toMatchObject({
      severity: 'HIGH',
    });
  });

  it('a resume whose end failed is ended by the next reading, not left open until the next silence', async () => {
    const id = station();
    await reading(id, T0);
    expect(raisedFor(id, await sweepAt(T0 + OFFLINE_AFTER))).toEqual(['created']);
    const alertId = alertIdFor(id, 'STATION_OFFLINE', T0 + OFFLINE_AFTER);

    // Readings resume; the heartbeat is written but ending the incident fails (a throttled request).
    let refuse = true;
    const flaky = new StationHeartbeats({
      lastSeen,
      alerts: {
        endIncident: async (...args: Parameters<DynamoAlertStore['endIncident']>) => {
          if (refuse) throw new Error('ProvisionedThroughputExceededException');
          return alerts.endIncident(...args);
        },
      },
      clock,
      offlineAfterMs: OFFLINE_AFTER,
    });
    const at = T0 + 2 * OFFLINE_AFTER;
    now = at;
    await metrics.put(metricAt(id, at));
    const first = await flaky.record([{ stationId: id, readingAt: at, writtenAt: at }]);
    expect(first.failed.map((f) => f.stationId)).toEqual([id]);
    expect(await alerts.get(alertId)).toMatchObject({ status: 'PENDING' });

    // The station's next batch, 5 s later, well inside the heartbeat period: it ends the incident.
    refuse = false;
    now = at + 5_000;
    const second = await flaky.record([{ stationId: id, readingAt: at + 5_000, writtenAt: at + 5_000 }]);
    expect(second.resumed.map((r) => r.outcome.kind)).toEqual(['resolved']);
    expect(await alerts.get(alertId)).toMatchObject({ status: 'RESOLVED', resolvedAt: at + 5_000 });
    // Ended once: the row no longer names the alert, so the batch after that writes nothing.
    const third = await flaky.record([{ stationId: id, readingAt: at + 10_000, writtenAt: at + 10_000 }]);
    expect(third).toEqual({ written: 0, resumed: [], failed: [] });
  });

  it('a heartbeat that lands while the sweep raises ends the incident it raised', async () => {
    const id = station();
    await reading(id, T0);
    const racing = {
      ...deps(),
      alerts: {
        endIncident: alerts.endIncident.bind(alerts),
        // The station reports again after the sweep read the row, before it raises (the heartbeat finds
        // no alert to end yet).
        raise: async (...args: Parameters<DynamoAlertStore['raise']>) => {
          await reading(id, T0 + OFFLINE_AFTER + 5_000);
          return alerts.raise(...args);
        },
      },
    };
    now = T0 + OFFLINE_AFTER + 1;
    const outcome = await sweepOffline(racing);
    expect(outcome.resumed.map((r) => r.outcome.kind)).toEqual(['resolved']);
    expect(await alerts.get(alertIdFor(id, 'STATION_OFFLINE', T0 + OFFLINE_AFTER))).toMatchObject({
      status: 'RESOLVED',
    });
  });

  it('the scheduled run does both halves: an overdue alert escalates once and a silent station is raised once, also when run twice', async () => {
    const id = station();
    await reading(id, T0);
    const overdue = candidateAt(T0, { stationId: id, severity: 'CRITICAL' });
    await alerts.raise(overdue, idOf(overdue), T0);
    const at = T0 + DEFAULT_APPROVAL_DEADLINES.CRITICAL;
    const reports = { escalated: [] as number[], raised: [] as string[] };
    for (const _ of [1, 2]) {
      now = at;
      await sweepAlerts(
        { ...deps(), alerts, deadlines: DEFAULT_APPROVAL_DEADLINES },
        {
          deadlines: (o) =>
            reports.escalated.push(...o.escalated.filter((e) => e.stationId === id).map((e) => e.level)),
          offline: (o) => reports.raised.push(...raisedFor(id, o)),
        },
      );
    }
    expect(reports).toEqual({ escalated: [1], raised: ['created'] });
  });
});
