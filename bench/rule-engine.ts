/**
 * Rule-engine throughput: evaluateWindow over prebuilt 30-record windows, one core.
 * Run: npx tsx bench/rule-engine.ts   (last line of output is JSON for other tooling)
 */
import { pathToFileURL } from 'node:url';
import type { ChargerHealth, Metric } from '../src/domain/types';
import { evaluateWindow } from '../src/rules/evaluate-window';
import { DEFAULT_THRESHOLDS, type RuleThresholds } from '../src/rules/thresholds';
import { windowFor } from '../src/rules/window';

export interface RuleEngineBenchOptions {
  /** Records per window (spread evenly over the 5-minute window). Default 30. */
  windowSize?: number;
  /** Distinct station windows cycled through, so the work is not one cached shape. Default 1000. */
  stations?: number;
  /** Timed work after warm-up, ms. Default 2000. */
  durationMs?: number;
  /** Untimed work first, so the JIT has optimised the rules. Default 500. */
  warmupMs?: number;
  thresholds?: RuleThresholds;
  /** Seed of the synthetic fleet; fixed so runs compare. Default 7. */
  seed?: number;
}

export interface RuleEngineMeasurement {
  recordsPerSecond: number;
  windowSize: number;
  records: number;
  elapsedMs: number;
  /** Share of evaluated records that raised at least one candidate (the costly path). */
  alertingShare: number;
  /**
   * Records per second of this process's CPU time: close to recordsPerSecond on an idle machine, and
   * the better guide when other work shares the cores (wall time then includes time descheduled).
   */
  cpuRecordsPerSecond: number;
}

/** mulberry32: tiny, deterministic, good enough to vary the fleet. */
const randomFrom = (seed: number) => {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/**
 * Mostly healthy stations, with a minority in each alerting state (about a quarter of windows alert,
 * more than a real fleet, so the figure is pessimistic about the costly path).
 */
const buildFleet = (stations: number, windowSize: number, windowMs: number, seed: number): Metric[][] => {
  const random = randomFrom(seed);
  const end = Date.UTC(2025, 0, 1, 12);
  const step = Math.floor(windowMs / windowSize);
  const windows: Metric[][] = [];
  for (let s = 0; s < stations; s++) {
    const stationId = `STATION_${String(s).padStart(4, '0')}`;
    const profile = random();
    const history: Metric[] = [];
    for (let i = windowSize - 1; i >= 0; i--) {
      const health: ChargerHealth = profile < 0.05 ? 'down' : profile < 0.12 ? 'degraded' : 'healthy';
      history.push({
        stationId,
        timestamp: end - i * step,
        swapRate: profile < 0.1 ? 30 + random() * 20 : random() * 12,
        demandSurge: profile < 0.15 ? random() < 0.7 : random() < 0.05,
        chargerUptime: health === 'healthy' ? 95 + random() * 5 : 60 + random() * 29,
        chargerHealth: health === 'down' && i > 0 ? 'degraded' : health,
        chargedBatteries: profile > 0.93 ? Math.floor(random() * 6) : 15 + Math.floor(random() * 25),
        unchargedBatteries: Math.floor(random() * 10),
        errorLogs: [],
        faultPatterns:
          profile > 0.85 && random() < 0.5 ? ['OVERHEAT_BAY_2'] : random() < 0.02 ? ['COMMS_TIMEOUT'] : [],
      });
    }
    const evaluated = history[history.length - 1] as Metric;
    windows.push(windowFor(history, evaluated, windowMs));
  }
  return windows;
};

/** Evaluates windows round-robin until `budgetMs` has passed; returns records done and alerting ones. */
const run = (windows: readonly Metric[][], thresholds: RuleThresholds, budgetMs: number) => {
  const budget = BigInt(Math.round(budgetMs * 1e6));
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let records = 0;
  let alerting = 0;
  let elapsed = 0n;
  do {
    // Check the clock once per pass: hrtime per record would be a large share of the cost measured.
    for (const window of windows) {
      if (evaluateWindow(window, window[window.length - 1] as Metric, thresholds).length > 0) alerting++;
    }
    records += windows.length;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < budget);
  const cpu = process.cpuUsage(cpuStart);
  return { records, alerting, elapsedNs: elapsed, cpuMs: (cpu.user + cpu.system) / 1000 };
};

export const measureRuleEngine = (options: RuleEngineBenchOptions = {}): RuleEngineMeasurement => {
  const windowSize = options.windowSize ?? 30;
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const windows = buildFleet(options.stations ?? 1000, windowSize, thresholds.windowMs, options.seed ?? 7);
  run(windows, thresholds, options.warmupMs ?? 500);
  const { records, alerting, elapsedNs, cpuMs } = run(windows, thresholds, options.durationMs ?? 2000);
  const elapsedMs = Number(elapsedNs) / 1e6;
  return {
    recordsPerSecond: Math.round(records / (elapsedMs / 1000)),
    windowSize,
    records,
    elapsedMs: Math.round(elapsedMs),
    alertingShare: alerting / records,
    cpuRecordsPerSecond: Math.round(records / (cpuMs / 1000)),
  };
};

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;

if (invokedDirectly) {
  const result = measureRuleEngine();
  console.log(
    `rule engine: ${result.recordsPerSecond.toLocaleString('en-US')} records/s on one core ` +
      `(${result.records.toLocaleString('en-US')} windows of ${result.windowSize} records in ${result.elapsedMs} ms, ` +
      `${(result.alertingShare * 100).toFixed(1)}% raising candidates; ` +
      `${result.cpuRecordsPerSecond.toLocaleString('en-US')} records per CPU-second)`,
  );
  console.log(
    JSON.stringify({ ruleEngineRecordsPerSecond: result.recordsPerSecond, windowSize: result.windowSize }),
  );
}
