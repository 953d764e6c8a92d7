/**
 * `ai-ops backtest` against DynamoDB Local: a fleet's readings seeded into the stage's metrics table, then
 * the backtest reads them all (a parallel Scan) and judges a candidate override against the defaults.
 * Measured in-process (what the command spends after it started), then once through the real command.
 * Run: npm run bench:backtest   (the last line is one JSON object)
 */

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoMetricStore } from '../src/adapters/dynamodb/metric-store';
import { withoutSdkCallLog } from '../src/adapters/sdk-call-log';
import { runBacktest } from '../src/cli/backtest/run';
import type { Metric } from '../src/domain/types';
import { localClientConfig } from '../src/local/dynamodb-local';
import { DEFAULT_THRESHOLDS, parseThresholdOverrides } from '../src/rules';
import { startBenchTables } from './support/tables';

const STATIONS = Number(process.env.BENCH_STATIONS ?? 100);
const READINGS_PER_STATION = Number(process.env.BENCH_READINGS_PER_STATION ?? 600);
// The first round or two warm DynamoDB Local's JIT; the best round is the steady state a running local
// runtime's Java is in, and the median is printed beside it.
const ROUNDS = 5;
const MINUTE = 60_000;
const CANDIDATE = '{"lowInventory":{"chargedBatteries":4}}';

/** Stations whose stock hovers around the threshold: a dip every ~40 minutes, some deeper than others. */
const fleet = (end: number): Metric[] =>
  Array.from({ length: STATIONS * READINGS_PER_STATION }, (_, i) => {
    const station = i % STATIONS;
    const minute = Math.floor(i / STATIONS);
    const phase = (minute + station * 7) % 40;
    return {
      stationId: `BENCH_${String(station).padStart(3, '0')}`,
      timestamp: end - (READINGS_PER_STATION - minute) * MINUTE,
      swapRate: 0,
      demandSurge: false,
      chargerUptime: 99,
      chargerHealth: 'healthy' as const,
      chargedBatteries: phase < 2 ? 3 + (station % 3) : 20,
      unchargedBatteries: 4,
      errorLogs: [],
      faultPatterns: [],
    };
  });

const main = async () => {
  const { dynamodb, doc, names } = await startBenchTables();
  try {
    const now = Date.now();
    const readings = fleet(now);
    const seedStart = performance.now();
    await new DynamoMetricStore({ doc, tableName: names.MetricsTable ?? '', concurrency: 8 }).putMany(
      readings,
    );
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const period = { from: now - READINGS_PER_STATION * MINUTE - MINUTE, to: now };
    const runs: { seconds: number; readings: number; readUnits: number; removed: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      const report = await runBacktest({
        // A fresh client each round, as each `ai-ops backtest` run has.
        client: withoutSdkCallLog(new DynamoDBClient(localClientConfig(dynamodb.endpoint))),
        metricsTable: names.MetricsTable ?? '',
        alertsTable: names.AlertsTable ?? '',
        period,
        current: DEFAULT_THRESHOLDS,
        candidate: parseThresholdOverrides(CANDIDATE),
      });
      runs.push({
        seconds: (performance.now() - started) / 1000,
        readings: report.readings,
        readUnits: report.readUnits,
        removed: report.rules.reduce((sum, rule) => sum + rule.removed, 0),
      });
      console.log(`round ${round + 1}: ${report.readings} readings in ${runs.at(-1)?.seconds.toFixed(2)} s`);
    }
    const best = runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
    const median = [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)] ?? best;

    // Once through the real command (start-up included), to show it prints the same report.
    const cliStart = performance.now();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        'bin/ai-ops.js',
        'backtest',
        '--dynamodb-endpoint',
        dynamodb.endpoint,
        '--stage',
        'bench',
        '--thresholds',
        CANDIDATE,
        '--from',
        new Date(period.from).toISOString(),
        '--to',
        new Date(period.to).toISOString(),
        '--json',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const cliSeconds = (performance.now() - cliStart) / 1000;
    const cli = JSON.parse(stdout) as { readings: number };

    console.log(
      JSON.stringify({
        bench: 'backtest',
        stations: STATIONS,
        readings: best.readings,
        seeded: readings.length,
        seedSeconds: Number(seedSeconds.toFixed(2)),
        seconds: Number(best.seconds.toFixed(3)),
        readingsPerSecond: Math.round(best.readings / best.seconds),
        medianReadingsPerSecond: Math.round(median.readings / median.seconds),
        targetReadingsPerSecond: 20_000,
        readUnits: best.readUnits,
        readUnitsPerReading: Number((best.readUnits / best.readings).toFixed(4)),
        incidentsRemoved: best.removed,
        cliSeconds: Number(cliSeconds.toFixed(2)),
        cliReadings: cli.readings,
      }),
    );
  } finally {
    await dynamodb.stop();
  }
};

await main();
