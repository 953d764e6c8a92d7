/**
 * The evaluator against DynamoDB Local: a 1,000-record batch over 50 stations, through the product's
 * station-grouped batch (one window Query per station) and through the pattern a user would otherwise
 * write (Powertools processPartialResponse, one window Query per record), in the same run.
 * Run: npm run bench:evaluate   (the last line is one JSON object)
 */

import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store';
import { recordConsumedCapacity } from '../src/adapters/dynamodb/consumed-capacity';
import { DynamoMetricStore } from '../src/adapters/dynamodb/metric-store';
import { DynamoSilenceStore } from '../src/adapters/dynamodb/silence-store';
import { alertIdFor } from '../src/domain/ids';
import { parseStoredMetric } from '../src/domain/metric-schema';
import type { ChargerHealth, Metric } from '../src/domain/types';
import { CapacityTally, capacitySince, totalCapacity } from '../src/observability/consumed-capacity';
import { DEFAULT_THRESHOLDS, evaluateWindow, historyLookbackMs } from '../src/rules';
import { decodeRecord } from '../src/streams/decode';
import { evaluateBatch } from '../src/streams/evaluate-batch';
import { StationHistory } from '../src/streams/station-history';
import type { DynamoDBTimeWindowEvent } from '../src/streams/time-window-event';
import type { EvaluateDeps } from '../src/use-cases/evaluate-metrics';
import { SilenceCheck } from '../src/use-cases/silence-check';
import { metricInserted, streamEvent } from '../test/support/stream-records';
import { measureRuleEngine } from './rule-engine';
import { startBenchTables } from './support/tables';

const STATIONS = 50;
const RECORDS = 1000;
const ROUNDS = 5;
const T0 = 1_790_000_000_000;

/** A healthy fleet: nothing fires, so the writes measured are the evaluator's overhead alone. */
const quietBatch = (offset: number): Metric[] =>
  Array.from({ length: RECORDS }, (_, i) => {
    const station = i % STATIONS;
    const step = Math.floor(i / STATIONS);
    return {
      stationId: `BENCH_${String(station).padStart(3, '0')}`,
      timestamp: T0 + offset + step * 10_000,
      swapRate: 8 + (station % 7),
      demandSurge: false,
      chargerUptime: 99,
      chargerHealth: 'healthy' as ChargerHealth,
      chargedBatteries: 20 + (station % 5),
      unchargedBatteries: 4,
      errorLogs: [],
      faultPatterns: [],
    };
  });

/** Counts DynamoDB requests by operation on a client, as the bill does. */
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
    counts,
    reset: () => {
      for (const key of Object.keys(counts)) delete counts[key];
    },
  };
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

const main = async () => {
  const { dynamodb, client, doc, names } = await startBenchTables();
  try {
    // The document client shares the base client's middleware stack, so the counter sees every request.
    const metrics = new DynamoMetricStore({ doc, tableName: names.MetricsTable ?? '' });
    const alerts = new DynamoAlertStore({ doc, tableName: names.AlertsTable ?? '' });
    const clock = { now: () => Date.now() };
    const deps: EvaluateDeps = {
      metrics,
      alerts,
      clock,
      thresholds: DEFAULT_THRESHOLDS,
      // As deployed: silences are read only when a rule fires, so a quiet batch reads none.
      silences: new SilenceCheck(new DynamoSilenceStore({ doc, tableName: names.AlertsTable ?? '' }), clock),
    };
    const requests = countRequests(client);
    // Capacity as DynamoDB Local reports it for each request (ReturnConsumedCapacity), as in the functions.
    const capacity = new CapacityTally();
    recordConsumedCapacity(client, capacity);

    // The per-record pattern: Powertools' BatchProcessor, one window Query for every record.
    const perRecord = async (event: DynamoDBStreamEvent) =>
      processPartialResponse(
        event,
        async (record: DynamoDBRecord) => {
          const metric = parseStoredMetric(decodeRecord(record).newImage);
          const window = await metrics.range(
            metric.stationId,
            metric.timestamp - deps.thresholds.windowMs + 1,
            metric.timestamp,
          );
          for (const candidate of evaluateWindow(window, metric, deps.thresholds)) {
            await alerts.raise(
              candidate,
              alertIdFor(metric.stationId, candidate.alertType, candidate.triggeredAt),
              Date.now(),
            );
          }
        },
        new BatchProcessor(EventType.DynamoDBStreams),
      );

    const OFFSETS: Record<string, number> = { grouped: 0, baseline: 86_400_000, resumed: 172_800_000 };
    const run = async (
      name: string,
      process: (event: DynamoDBStreamEvent) => Promise<unknown>,
      options: { gapMs?: number; skipFirst?: boolean } = {},
    ) => {
      const rates: number[] = [];
      let perBatch: Record<string, number> = {};
      let units = { readUnits: 0, writeUnits: 0, requests: 0 };
      for (let round = 0; round < ROUNDS; round++) {
        const batch = quietBatch(round * (options.gapMs ?? 3_600_000) + (OFFSETS[name] ?? 0));
        await metrics.putMany(batch);
        const event = streamEvent(batch.map((m) => metricInserted(m)));
        requests.reset();
        const before = capacity.snapshot();
        const started = performance.now();
        await process(event);
        const elapsed = performance.now() - started;
        if (options.skipFirst && round === 0) continue;
        rates.push((RECORDS / elapsed) * 1000);
        perBatch = { ...requests.counts };
        units = totalCapacity(capacitySince(before, capacity.snapshot()));
      }
      const per = (n: number) => Number((n / RECORDS).toFixed(4));
      return {
        recordsPerSecond: Math.round(median(rates)),
        requests: perBatch,
        // The last measured batch: the same fleet and shape every round.
        writeUnitsPerMetric: per(units.writeUnits),
        readUnitsPerMetric: per(units.readUnits),
      };
    };

    const grouped = await run('grouped', (event) => evaluateBatch(event, deps));
    const baseline = await run('baseline', perRecord);
    // What the deployed evaluator does between invocations of one shard (tumbling-window events, the state
    // handed back each time): the first batch reads every station, the following ones read none.
    const history = new StationHistory({
      maxReadings: 200_000,
      windowMs: historyLookbackMs(deps.thresholds),
    });
    let state: Record<string, unknown> = {};
    const resumed = await run(
      'resumed',
      async (event) => {
        const windowEvent: DynamoDBTimeWindowEvent = {
          ...event,
          window: { start: new Date(T0).toISOString(), end: new Date(T0 + 900_000).toISOString() },
          state,
          shardId: 'bench-shard',
          eventSourceARN: 'bench-stream',
          isFinalInvokeForWindow: false,
          isWindowTerminatedEarly: false,
        };
        state = (await evaluateBatch(windowEvent, deps, {}, history)).state ?? {};
      },
      // Consecutive batches of the same fleet: each one starts where the previous one ended.
      { gapMs: (RECORDS / STATIONS) * 10_000, skipFirst: true },
    );
    // An incident on every station (no charged battery left): the first batch opens one LOW_INVENTORY alert
    // per station, the next one merges its triggers into them. What an alert and a merge cost, StatusIndex
    // (projection ALL, key PENDING) included: docs/scale.md, "StatusIndex".
    const incidentBatch = (offset: number) =>
      quietBatch(259_200_000 + offset).map((m) => ({ ...m, chargedBatteries: 0, swapRate: 12 }));
    const incidentUnits: { writeUnits: number; readUnits: number }[] = [];
    for (const offset of [0, (RECORDS / STATIONS) * 10_000]) {
      const batch = incidentBatch(offset);
      await metrics.putMany(batch);
      const before = capacity.snapshot();
      await evaluateBatch(streamEvent(batch.map((m) => metricInserted(m))), deps);
      incidentUnits.push(totalCapacity(capacitySince(before, capacity.snapshot())));
    }
    const perStation = (units: { writeUnits: number; readUnits: number } | undefined) => ({
      writeUnits: Number(((units?.writeUnits ?? 0) / STATIONS).toFixed(3)),
      readUnits: Number(((units?.readUnits ?? 0) / STATIONS).toFixed(3)),
    });
    const ruleEngine = measureRuleEngine({ windowSize: 30, durationMs: 1500 });

    const writes = (counts: Record<string, number>) =>
      ['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem'].reduce(
        (n, op) => n + (counts[op] ?? 0),
        0,
      );
    const result = {
      records: RECORDS,
      stations: STATIONS,
      recordsPerSecond: grouped.recordsPerSecond,
      queriesPerBatch: grouped.requests.Query ?? 0,
      writesPerBatch: writes(grouped.requests),
      requestsPerBatchByOperation: grouped.requests,
      requestsPerRecord: Number(
        (Object.values(grouped.requests).reduce((a, b) => a + b, 0) / RECORDS).toFixed(3),
      ),
      baselineRecordsPerSecond: baseline.recordsPerSecond,
      baselineQueriesPerBatch: baseline.requests.Query ?? 0,
      ratio: Number((grouped.recordsPerSecond / baseline.recordsPerSecond).toFixed(2)),
      ruleEngineRecordsPerSecond: Math.round(ruleEngine.recordsPerSecond),
      resumedRecordsPerSecond: resumed.recordsPerSecond,
      resumedQueriesPerBatch: resumed.requests.Query ?? 0,
      resumedWritesPerBatch: writes(resumed.requests),
      // The evaluator's own capacity per record, as DynamoDB reported it: a first batch of a window reads
      // each station's history; a resumed one (tumbling-window state) reads nothing.
      writeUnitsPerMetric: grouped.writeUnitsPerMetric,
      readUnitsPerMetric: grouped.readUnitsPerMetric,
      resumedWriteUnitsPerMetric: resumed.writeUnitsPerMetric,
      resumedReadUnitsPerMetric: resumed.readUnitsPerMetric,
      // Per station and batch of 20 readings: opening its alert (first batch), merging into it (next batch).
      alertCreatedUnits: perStation(incidentUnits[0]),
      alertMergedUnits: perStation(incidentUnits[1]),
      // The cost of the lifecycle (clearing reads a longer lookback, silences are read only when a rule
      // fires): still at most one Query per station per batch (0 when resumed), no write when quiet.
      queriesPerStationPerBatch: Number(((grouped.requests.Query ?? 0) / STATIONS).toFixed(3)),
      resumedQueriesPerStationPerBatch: Number(((resumed.requests.Query ?? 0) / STATIONS).toFixed(3)),
      writesInQuietBatch: Math.max(writes(grouped.requests), writes(resumed.requests)),
      targets: {
        maxQueriesPerBatch: STATIONS,
        maxQueriesPerStationPerBatch: 1,
        writesWhenQuiet: 0,
        minRatio: 3,
        minRuleEngineRecordsPerSecond: 500_000,
      },
    };
    console.log(
      `evaluator: ${result.recordsPerSecond} records/s with ${result.queriesPerBatch} Query and ${result.writesPerBatch} writes per ${RECORDS}-record batch; ` +
        `per-record pattern: ${result.baselineRecordsPerSecond} records/s with ${result.baselineQueriesPerBatch} Query (x${result.ratio}); ` +
        `rule engine alone: ${result.ruleEngineRecordsPerSecond} records/s; ` +
        `with the station history resumed: ${result.resumedRecordsPerSecond} records/s with ${result.resumedQueriesPerBatch} Query; ` +
        `capacity per record: ${result.readUnitsPerMetric} read / ${result.writeUnitsPerMetric} write units (${result.resumedReadUnitsPerMetric} / ${result.resumedWriteUnitsPerMetric} resumed)`,
    );
    console.log(JSON.stringify(result));
  } finally {
    await dynamodb.stop();
  }
};

await main();
