/**
 * The scheduled sweep against DynamoDB Local: a fleet of 10,000 stations with last-seen rows (seeded with
 * BatchWriteItem, not through HTTP), of which 1% are silent past offlineAfter, and 100 alerts PENDING past
 * their deadline. One sweep (both halves, as handlers/sweep-alerts.ts runs them), then a second for the
 * same minute; and the evaluator's heartbeats against ingest for a fleet reporting every 5 s.
 * Capacity is what DynamoDB Local reports (ReturnConsumedCapacity), as in the functions.
 * Run: npm run bench:sweep   (the last line is one JSON object)
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store';
import { retryPolicy } from '../src/adapters/dynamodb/backoff';
import { batchPutAll } from '../src/adapters/dynamodb/batch-write';
import { recordConsumedCapacity } from '../src/adapters/dynamodb/consumed-capacity';
import { DynamoLastSeenStore } from '../src/adapters/dynamodb/last-seen-store';
import { DynamoMetricStore } from '../src/adapters/dynamodb/metric-store';
import { DynamoSilenceStore } from '../src/adapters/dynamodb/silence-store';
import { alertIdFor } from '../src/domain/ids';
import { DEFAULT_APPROVAL_DEADLINES } from '../src/domain/lifecycle';
import { DEFAULT_OFFLINE_AFTER_MS, heartbeatPeriodMs } from '../src/domain/offline';
import type { Alert, Metric } from '../src/domain/types';
import { CapacityTally, capacitySince, totalCapacity } from '../src/observability/consumed-capacity';
import { SilenceCheck } from '../src/use-cases/silence-check';
import { StationHeartbeats } from '../src/use-cases/station-liveness';
import { type SweepOutcome, sweepAlerts } from '../src/use-cases/sweep-alerts';
import type { OfflineSweepOutcome } from '../src/use-cases/sweep-offline';
import { startBenchTables } from './support/tables';

const STATIONS = 10_000;
const SILENT = STATIONS / 100;
const OVERDUE_ALERTS = 100;
const OFFLINE_AFTER = DEFAULT_OFFLINE_AFTER_MS;
/** Heartbeats against ingest: this many stations, one reading every 5 s, for this long. */
const HEARTBEAT_STATIONS = 1_000;
const CADENCE_MS = 5_000;
const HEARTBEAT_RUN_MS = 20 * 60_000;
const NOW = 1_800_000_000_000;

const stationId = (i: number): string => `FLEET_${String(i).padStart(5, '0')}`;

const reading = (id: string, timestamp: number): Metric => ({
  stationId: id,
  timestamp,
  swapRate: 10,
  demandSurge: false,
  chargerUptime: 99,
  chargerHealth: 'healthy',
  chargedBatteries: 20,
  unchargedBatteries: 4,
  errorLogs: [],
  faultPatterns: [],
});

const countRequests = (client: DynamoDBClient) => {
  const counts: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counts[name] = (counts[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  return {
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    snapshot: () => ({ ...counts }),
    reset: () => {
      for (const key of Object.keys(counts)) delete counts[key];
    },
  };
};

const round = (n: number, digits = 4): number => Number(n.toFixed(digits));

const main = async () => {
  const { dynamodb, client, doc, names } = await startBenchTables();
  try {
    const table = (id: string): string => names[id] ?? '';
    const batch = { retry: retryPolicy(), concurrency: 4 };

    // --- the fleet, seeded with BatchWriteItem: healthy rows are due in the future, silent ones in the past
    const heartbeat = heartbeatPeriodMs(OFFLINE_AFTER);
    const rows = Array.from({ length: STATIONS }, (_, i) => {
      const silent = i < SILENT;
      const lastSeenAt = silent ? NOW - OFFLINE_AFTER - 30_000 : NOW - ((i * 7_919) % heartbeat);
      return {
        stationId: stationId(i),
        lastSeenAt,
        lastReadingAt: lastSeenAt,
        dueAt: lastSeenAt + OFFLINE_AFTER,
        dueSet: 'DUE',
      };
    });
    await batchPutAll(doc, table('LastSeenTable'), rows, { ...batch, keyNames: ['stationId'] });
    // The silent stations' last readings (the sweep checks each due station's newest one).
    await batchPutAll(
      doc,
      table('MetricsTable'),
      rows.slice(0, SILENT).map((r) => ({ ...reading(r.stationId, r.lastReadingAt) })),
      { ...batch, keyNames: ['stationId', 'timestamp'] },
    );
    const overdue: Alert[] = Array.from({ length: OVERDUE_ALERTS }, (_, i) => {
      const createdAt = NOW - DEFAULT_APPROVAL_DEADLINES.HIGH - 60_000 - i;
      const station = stationId(STATIONS - 1 - i);
      return {
        alertId: alertIdFor(station, 'LOW_INVENTORY', createdAt),
        stationId: station,
        alertType: 'LOW_INVENTORY',
        severity: 'HIGH',
        status: 'PENDING',
        title: 'Low inventory',
        description: 'bench',
        recommendedAction: 'Rebalance batteries',
        createdAt,
        updatedAt: createdAt,
        occurrences: 1,
        lastSeenAt: createdAt,
        deadlineAt: createdAt + DEFAULT_APPROVAL_DEADLINES.HIGH,
        metadata: {},
      };
    });
    await batchPutAll(doc, table('AlertsTable'), overdue as unknown as Record<string, unknown>[], {
      ...batch,
      keyNames: ['alertId'],
    });

    const requests = countRequests(client);
    const capacity = new CapacityTally();
    recordConsumedCapacity(client, capacity);
    const clock = { now: () => NOW };
    const alerts = new DynamoAlertStore({ doc, tableName: table('AlertsTable') });
    const deps = {
      alerts,
      clock,
      deadlines: DEFAULT_APPROVAL_DEADLINES,
      lastSeen: new DynamoLastSeenStore({ doc, tableName: table('LastSeenTable') }),
      metrics: new DynamoMetricStore({ doc, tableName: table('MetricsTable') }),
      offlineAfterMs: OFFLINE_AFTER,
      silences: new SilenceCheck(new DynamoSilenceStore({ doc, tableName: table('AlertsTable') }), clock),
    };
    const sweep = async () => {
      requests.reset();
      const before = capacity.snapshot();
      const outcome: { deadlines?: SweepOutcome; offline?: OfflineSweepOutcome } = {};
      const started = performance.now();
      await sweepAlerts(deps, {
        deadlines: (o) => (outcome.deadlines = o),
        offline: (o) => (outcome.offline = o),
      });
      const ms = performance.now() - started;
      const used = capacitySince(before, capacity.snapshot());
      return {
        ms,
        outcome,
        requests: requests.total(),
        byOperation: requests.snapshot(),
        used: totalCapacity(used),
      };
    };
    const first = await sweep();
    const second = await sweep();

    // --- heartbeats against ingest, for a fleet reporting every 5 s
    const metricStore = new DynamoMetricStore({ doc, tableName: table('MetricsTable') });
    const ingestBefore = capacity.snapshot();
    const ingestSample = Array.from({ length: HEARTBEAT_STATIONS }, (_, i) => reading(`HB_${i}`, NOW));
    await metricStore.putMany(ingestSample);
    const ingestUnits = totalCapacity(capacitySince(ingestBefore, capacity.snapshot())).writeUnits;
    const ingestUnitsPerMetric = ingestUnits / ingestSample.length;

    let wall = NOW;
    const heartbeats = new StationHeartbeats({
      lastSeen: deps.lastSeen,
      alerts,
      clock: { now: () => wall },
      offlineAfterMs: OFFLINE_AFTER,
    });
    const heartbeatBefore = capacity.snapshot();
    let metricsSeen = 0;
    let heartbeatWrites = 0;
    for (let t = 0; t < HEARTBEAT_RUN_MS; t += CADENCE_MS) {
      wall = NOW + t;
      const batchReadings = Array.from({ length: HEARTBEAT_STATIONS }, (_, i) => ({
        stationId: `HB_${i}`,
        readingAt: wall,
        writtenAt: wall,
      }));
      metricsSeen += batchReadings.length;
      heartbeatWrites += (await heartbeats.record(batchReadings)).written;
    }
    const heartbeatUnits = totalCapacity(capacitySince(heartbeatBefore, capacity.snapshot())).writeUnits;
    // As reported: a heartbeat that moves dueAt also moves the row's DueIndex entry (a delete and a put),
    // so one costs 3 write units (2 for a station's first), against 1 for each metric ingest writes.
    const writeUnitsPerMetric = heartbeatUnits / metricsSeen;

    const result = {
      stations: STATIONS,
      silentStations: SILENT,
      overdueAlerts: OVERDUE_ALERTS,
      offlineAfterMs: OFFLINE_AFTER,
      requestsPerSweep: first.requests,
      requestsByOperation: first.byOperation,
      readUnitsPerSweep: round(first.used.readUnits, 2),
      writeUnitsPerSweep: round(first.used.writeUnits, 2),
      sweepMs: Math.round(first.ms),
      raised: first.outcome.offline?.raised.filter((r) => r.outcome.kind === 'created').length ?? 0,
      escalated: first.outcome.deadlines?.escalated.length ?? 0,
      secondSweep: {
        requests: second.requests,
        readUnits: round(second.used.readUnits, 2),
        writeUnits: round(second.used.writeUnits, 2),
        raised: second.outcome.offline?.raised.length ?? 0,
        escalated: second.outcome.deadlines?.escalated.length ?? 0,
        sweepMs: Math.round(second.ms),
      },
      heartbeatPeriodMs: heartbeat,
      heartbeatWritesPerStationHour: round(
        (heartbeatWrites / HEARTBEAT_STATIONS) * (3_600_000 / HEARTBEAT_RUN_MS),
        2,
      ),
      writeUnitsPerMetric: round(writeUnitsPerMetric),
      writeUnitsPerHeartbeat: round(heartbeatUnits / heartbeatWrites, 2),
      ingestWriteUnitsPerMetric: round(ingestUnitsPerMetric),
      heartbeatShareOfIngest: round(writeUnitsPerMetric / ingestUnitsPerMetric),
      targets: { maxHeartbeatShareOfIngest: 0.1, raisedOnFirstSweep: SILENT, raisedOnSecondSweep: 0 },
    };
    console.log(
      `sweep of ${STATIONS} stations (${SILENT} silent, ${OVERDUE_ALERTS} overdue alerts): ${result.requestsPerSweep} requests, ` +
        `${result.readUnitsPerSweep} read / ${result.writeUnitsPerSweep} write units, ${result.sweepMs} ms; ` +
        `raised ${result.raised}, escalated ${result.escalated}; the same minute again: ${second.requests} requests, ` +
        `raised ${result.secondSweep.raised}, escalated ${result.secondSweep.escalated}. Heartbeats: ` +
        `${result.writeUnitsPerMetric} write units per metric (${result.writeUnitsPerHeartbeat} per heartbeat), ` +
        `${Math.round(result.heartbeatShareOfIngest * 1000) / 10}% of ingest`,
    );
    console.log(JSON.stringify(result));
  } finally {
    await dynamodb.stop();
  }
};

await main();
