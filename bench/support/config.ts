/** bench/pipeline.ts settings, from the environment (see docs/benchmarks.md). */

const envNumber = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return value;
};

const envCount = (name: string, fallback: number): number =>
  Math.max(1, Math.round(envNumber(name, fallback)));

export interface PipelineBenchConfig {
  /** Latency phase: offered metrics/s and seconds. */
  rate: number;
  durationS: number;
  /** Metrics per POST /metrics (readings per request): 1 by default, what a station sends. */
  batch: number;
  /** One probe every this many requests in the latency phase (default: a tenth of the readings). */
  probeEvery: number;
  /** Healthy background stations, read round robin. */
  stations: number;
  /** Full-load phase seconds (0 skips it), senders, and the lag that still counts as keeping up. */
  throughputS: number;
  concurrency: number;
  maxLagMs: number;
  /** Confirmation run when the lag was unbounded at full load (0 skips it). */
  confirmS: number;
  /** Seconds of each raw DynamoDB Local write measurement (0 skips them). */
  rawS: number;
  /** The alert watcher's read interval. */
  watchIntervalMs: number;
  /** evaluateMetrics' batchWindow instead of serverless.yml's, for what-if runs. */
  batchWindowS: number | undefined;
  /** evaluateMetrics' tumblingWindowInSeconds instead of serverless.yml's (0: no window, so no memory). */
  tumblingWindowS: number | undefined;
  /** Seconds of idle calibration (runtime alone, then with the alert watcher); 0 skips it. */
  idleS: number;
  /** Untimed full load first: grows the function pools and lets DynamoDB Local's JVM compile its hot paths. */
  warmupS: number;
  /** Alerts approved after the latency phase, for the capacity of a decided alert (issue 16). */
  decisions: number;
  /** The runtime's most instances per function (`BENCH_MAX_INSTANCES`); undefined keeps its default. */
  maxInstances: number | undefined;
  /** Keep the scratch dir (handler logs) after the run. */
  keep: boolean;
  /** Write every sample (requests, probes, evaluator batches) to this JSON file. */
  dump: string | undefined;
}

export const pipelineBenchConfig = (): PipelineBenchConfig => {
  const batch = envCount('BENCH_BATCH', 1);
  return {
    rate: Math.max(1, envNumber('BENCH_RATE', 200)),
    durationS: Math.max(1, envNumber('BENCH_DURATION_S', 60)),
    batch,
    // A tenth of the readings are probes whatever the shape: 20 new alerts a second at 200 readings/s.
    probeEvery: envCount('BENCH_PROBE_EVERY', Math.max(1, Math.round(10 / batch))),
    stations: envCount('BENCH_STATIONS', 1000),
    throughputS: envNumber('BENCH_THROUGHPUT_S', 15),
    concurrency: envCount('BENCH_CONCURRENCY', 8),
    maxLagMs: envNumber('BENCH_MAX_LAG_MS', 2000),
    confirmS: envNumber('BENCH_CONFIRM_S', 10),
    rawS: envNumber('BENCH_RAW_S', 5),
    watchIntervalMs: envNumber('BENCH_POLL_MS', 10),
    batchWindowS:
      process.env.BENCH_BATCH_WINDOW_S === undefined || process.env.BENCH_BATCH_WINDOW_S.trim() === ''
        ? undefined
        : Math.round(envNumber('BENCH_BATCH_WINDOW_S', 1)),
    tumblingWindowS:
      process.env.BENCH_TUMBLING_WINDOW_S === undefined || process.env.BENCH_TUMBLING_WINDOW_S.trim() === ''
        ? undefined
        : Math.min(900, Math.round(envNumber('BENCH_TUMBLING_WINDOW_S', 900))),
    warmupS: envNumber('BENCH_WARMUP_S', 10),
    decisions: Math.max(0, Math.round(envNumber('BENCH_DECISIONS', 20))),
    idleS: envNumber('BENCH_IDLE_S', 4),
    maxInstances:
      process.env.BENCH_MAX_INSTANCES === undefined || process.env.BENCH_MAX_INSTANCES.trim() === ''
        ? undefined
        : envCount('BENCH_MAX_INSTANCES', 4),
    keep: process.env.BENCH_KEEP === '1',
    dump: process.env.BENCH_DUMP || undefined,
  };
};

/**
 * What the run is judged against (printed, never enforced). One reading per request (issue 13): the
 * throughput is held to half of DynamoDB Local's raw PutItem rate, since every reading is a request with
 * its own HTTP exchange, token check and invocation; in requests of 10 it is held to 0.7 as before.
 */
export const targetsFor = (batch: number) =>
  ({
    p50Ms: 250,
    p99Ms: 600,
    minRatio: batch === 1 ? 0.5 : 0.7,
    maxCpuMsPerRequest: 5,
  }) as const;
