/**
 * The whole pipeline through the local runtime (simulator off): POST /metrics -> metrics table -> stream
 * poller -> evaluateMetrics -> alert row, measured from outside as a client would see it.
 *
 * 1. Latency: BENCH_RATE metrics/s (default 200: a fleet of 1,000 stations reporting every 5 s) for
 *    BENCH_DURATION_S seconds (default 60), in requests of BENCH_BATCH readings (1, as stations send them;
 *    10 for the batched shape) on a fixed schedule. A tenth of the readings are probes: the first reading
 *    of a new station with no charged battery, which raises a new LOW_INVENTORY alert. Latency = POST
 *    start -> the alert row is readable.
 * 2. Throughput: BENCH_CONCURRENCY (8) senders back to back for BENCH_THROUGHPUT_S (15) seconds, a probe
 *    every 100 ms for the evaluation lag; metrics/s ingested and evaluated while the lag stays under
 *    BENCH_MAX_LAG_MS (2000). If it does not, a run offering 90% of the evaluated rate checks that rate.
 * 3. Ceiling: PutItem of metric-shaped items straight to the runtime's DynamoDB Local, same concurrency.
 *
 * Run: npm run bench:pipeline   (BENCH_DURATION_S=15 for a quick run; the last line is one JSON object).
 * docs/benchmarks.md lists every setting and defines every figure.
 */
import { mkdtempSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EvaluatorBatch, throughputFigures } from './support/analysis';
import { pipelineBenchConfig } from './support/config';
import {
  type CpuFigures,
  cpuFigures,
  cpuSnapshot,
  dynamoDbLocalJava,
  dynamoDbLocalProcesses,
} from './support/cpu';
import { type Driver, startDriver } from './support/driver-client';
import type { LoadResult } from './support/protocol';
import { buildReport, type Measurements, steadyAfterS } from './support/report';
import { round } from './support/stats';

// The handlers' loggers are built when the runtime loads them: warnings and errors only, so the log
// volume of a busy run does not become part of what is measured.
process.env.LOG_LEVEL ??= 'WARN';

const config = pipelineBenchConfig();

const progress = (line: string): void => {
  process.stderr.write(`[bench:pipeline] ${line}\n`);
};

const acceptedMetrics = (run: LoadResult): number =>
  run.requests.filter((r) => r.status === 202).reduce((n, r) => n + r.metrics, 0);

const main = async () => {
  const loadAverageAtStart = round(loadavg()[0] ?? 0, 2) ?? 0;
  const { tapOutput } = await import('../src/local/log-tap');
  const { startLocalRuntime } = await import('../src/local/runtime');
  const { tableNameOf } = await import('../src/local/service-definition');

  const scratch = mkdtempSync(join(tmpdir(), 'ai-ops-bench-'));
  // Handler output (EMF metric lines, warnings) goes to a file, so stdout stays this report.
  const tap = tapOutput(join(scratch, 'logs.jsonl'), () => undefined);
  const started = performance.now();
  const warnings: string[] = [];
  const note = (level: string) => (message: string, extra: Record<string, unknown>) => {
    warnings.push(
      `+${Math.round(performance.now() - started)} ms ${level}: ${message} ${JSON.stringify(extra)}`,
    );
  };
  const evaluator: EvaluatorBatch[] = [];
  let dispatcherInvocations = 0;

  progress(`starting the local runtime (scratch ${scratch})`);
  const runtime = await startLocalRuntime({
    port: 0,
    scratchDir: scratch,
    stage: 'bench',
    logger: { debug: () => {}, info: () => {}, warn: note('warn'), error: note('error') },
    onStreamBatch: (batch) => {
      if (batch.functionName === 'dispatchAlertChange') dispatcherInvocations += 1;
      if (batch.functionName !== 'evaluateMetrics') return;
      // A tumbling window's final invocation carries no records: not a batch of the figures.
      if (batch.event.Records.length === 0) return;
      const probes = batch.event.Records.flatMap((r) => {
        const id = r.dynamodb?.NewImage?.stationId?.S;
        return id?.includes('_PROBE_') ? [id] : [];
      });
      evaluator.push({
        startedAt: batch.startedAt,
        durationMs: batch.durationMs,
        records: batch.event.Records.length,
        probes,
      });
    },
    ...(config.batchWindowS === undefined && config.tumblingWindowS === undefined
      ? {}
      : {
          streamSettings: (functionName, settings) =>
            functionName === 'evaluateMetrics'
              ? {
                  ...settings,
                  batchWindowSeconds: config.batchWindowS ?? settings.batchWindowSeconds,
                  tumblingWindowSeconds: config.tumblingWindowS ?? settings.tumblingWindowSeconds,
                }
              : settings,
        }),
  });
  const dynamodbPort = new URL(runtime.dynamodbEndpoint).port;
  const javaPid = await dynamoDbLocalJava(dynamodbPort);
  const stream = runtime.definition.functions.evaluateMetrics?.events?.find((e) => e.stream !== undefined)
    ?.stream as { batchSize?: number; batchWindow?: number; tumblingWindowInSeconds?: number } | undefined;
  const mapping = {
    batchSize: stream?.batchSize ?? 100,
    batchWindowS: config.batchWindowS ?? stream?.batchWindow ?? 0,
    tumblingWindowS: config.tumblingWindowS ?? stream?.tumblingWindowInSeconds ?? 0,
    overridden: config.batchWindowS !== undefined || config.tumblingWindowS !== undefined,
    // The runtime is started without pollIntervalMs: the poller's default, Lambda's 4 polls a second.
    pollIntervalMs: 250,
  };

  let driver: Driver | undefined;
  /** A backlog can take longer than idle()'s own 15 s: keep asking while it drains. */
  const settle = async () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      try {
        await runtime.idle();
        return;
      } catch {
        progress('still draining...');
      }
    }
  };
  /**
   * CPU time by thread, ms: the runtime's main thread (HTTP API, authorizer, pollers) and each function's
   * instances (their own threads' CPU, which they report with every reply).
   */
  const threadCpu = (): Record<string, number> => {
    const main = process.threadCpuUsage();
    return {
      mainThread: (main.user + main.system) / 1000,
      ...Object.fromEntries(Object.entries(runtime.functionStats()).map(([name, f]) => [name, f.cpuMs])),
    };
  };
  /** Runs a phase and what it left to drain, with the CPU the pipeline spent on it. */
  const measured = async <T>(
    phase: () => Promise<T>,
    count: (result: T) => { metrics: number; driverCpuMs: number | undefined },
  ): Promise<{ result: T; cpu: CpuFigures; threads: Record<string, number> }> => {
    const start = await cpuSnapshot(javaPid);
    const startThreads = threadCpu();
    const result = await phase();
    await settle();
    const { metrics, driverCpuMs } = count(result);
    const endThreads = threadCpu();
    return {
      result,
      cpu: cpuFigures(start, await cpuSnapshot(javaPid), driverCpuMs ?? Number.NaN, metrics),
      threads: Object.fromEntries(
        Object.entries(endThreads).map(([name, ms]) => [name, ms - (startThreads[name] ?? 0)]),
      ),
    };
  };
  const loadCount = (run: LoadResult) => ({ metrics: acceptedMetrics(run), driverCpuMs: run.driverCpuMs });

  try {
    const tokenResponse = await fetch(`${runtime.url}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'bench-pipeline', scopes: ['metrics/write'] }),
    });
    if (!tokenResponse.ok) throw new Error(`POST /local/token answered ${tokenResponse.status}`);
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const activeDriver = await startDriver({
      url: runtime.url,
      token,
      dynamodbEndpoint: runtime.dynamodbEndpoint,
      alertsTable: tableNameOf(runtime.definition, 'AlertsTable'),
      rawTable: `ai-ops-bench-raw-puts-${Date.now()}`,
      runId: `B${Date.now().toString(36).toUpperCase()}`,
      watchIntervalMs: config.watchIntervalMs,
      stations: config.stations,
    });
    driver = activeDriver;

    // Grows the function pools to size and loads every handler before anything is timed.
    progress(`warm-up: ${config.warmupS} s, ${config.concurrency} senders`);
    await activeDriver.load({
      kind: 'closed-loop',
      label: 'W',
      concurrency: config.concurrency,
      durationS: Math.max(1, config.warmupS),
      batch: config.batch,
      probeIntervalMs: 200,
    });
    await settle();

    // The ceiling: PutItem straight to DynamoDB Local before the measured phases and again after the
    // full load; the better of the two counts, so a slow moment of DynamoDB Local never flatters the ratio.
    // After the warm-up: every table of the pipeline has stream records by then (docs/benchmarks.md).
    const rawWrites = (label: string, batch: number) =>
      measured(
        () =>
          activeDriver.raw({
            kind: 'raw-puts',
            label,
            concurrency: config.concurrency,
            durationS: config.rawS,
            batch,
          }),
        (r) => ({ metrics: r.items, driverCpuMs: r.driverCpuMs }),
      );
    let before:
      | { put: Awaited<ReturnType<typeof rawWrites>>; batch: Awaited<ReturnType<typeof rawWrites>> }
      | undefined;
    if (config.rawS > 0) {
      progress(
        `raw DynamoDB Local PutItem, then BatchWriteItem of ${config.batch}: ${config.concurrency} at a time, ${config.rawS} s each`,
      );
      before = { put: await rawWrites('P1', 1), batch: await rawWrites('B1', config.batch) };
    }

    // What the runtime costs doing nothing (pollers, timers, the JVM), and what the watcher adds.
    let calibration: Measurements['calibration'];
    if (config.idleS > 0) {
      progress(`idle calibration: ${config.idleS} s alone, ${config.idleS} s with the alert watcher`);
      const idle = await measured(
        () => new Promise<void>((resolve) => setTimeout(resolve, config.idleS * 1000)),
        () => ({ metrics: 0, driverCpuMs: 0 }),
      );
      const watch = await measured(
        () => activeDriver.watchIdle({ kind: 'watch-idle', label: 'I', durationS: config.idleS }),
        (r) => ({ metrics: 0, driverCpuMs: r.driverCpuMs }),
      );
      calibration = { idle: idle.cpu, watch: watch.cpu, watchReads: watch.result.watcher.reads };
    }

    progress(
      `latency: ${config.rate} metrics/s (${round(config.rate / config.batch, 1)} requests/s of ${config.batch}) for ${config.durationS} s`,
    );
    const poolsBefore = runtime.functionStats();
    const latency = await measured(
      () =>
        activeDriver.load({
          kind: 'open-loop',
          label: 'L',
          rate: config.rate,
          durationS: config.durationS,
          batch: config.batch,
          probeEvery: config.probeEvery,
        }),
      loadCount,
    );
    // The pools over the latency phase: instances at its end, invocations and waits during it.
    const functions = Object.fromEntries(
      Object.entries(runtime.functionStats()).map(([name, after]) => {
        const before = poolsBefore[name];
        return [
          name,
          {
            ...after,
            invocations: after.invocations - (before?.invocations ?? 0),
            waited: after.waited - (before?.waited ?? 0),
          },
        ];
      }),
    );

    let throughput: Measurements['throughput'];
    if (config.throughputS > 0) {
      progress(`throughput: ${config.concurrency} senders back to back for ${config.throughputS} s`);
      const full = await measured(
        () =>
          activeDriver.load({
            kind: 'closed-loop',
            label: 'T',
            concurrency: config.concurrency,
            durationS: config.throughputS,
            batch: config.batch,
            probeIntervalMs: 100,
          }),
        loadCount,
      );
      throughput = { run: full.result, cpu: full.cpu, threads: full.threads, confirm: undefined };
      const figures = throughputFigures(full.result, steadyAfterS(config.throughputS));
      const bounded = figures.lag.max <= config.maxLagMs && figures.unseen === 0;
      if (!bounded && config.confirmS > 0 && figures.evaluatedPerSecond > 0) {
        // The evaluator fell behind the API's full rate: offer a little less than it evaluated, on a schedule.
        const rate = Math.max(config.batch, Math.floor(figures.evaluatedPerSecond * 0.9));
        progress(`lag unbounded at full load; holding ${rate} metrics/s for ${config.confirmS} s`);
        const run = await activeDriver.load({
          kind: 'open-loop',
          label: 'C',
          rate,
          durationS: config.confirmS,
          batch: config.batch,
          // About ten probes a second, as at full load.
          probeEvery: Math.max(1, Math.round(rate / config.batch / 10)),
        });
        await settle();
        throughput.confirm = { rate, run };
      }
    }

    let raw: Measurements['raw'];
    if (before) {
      progress(`raw DynamoDB Local PutItem again: ${config.concurrency} at a time, ${config.rawS} s`);
      const late = await rawWrites('P2', 1);
      raw = {
        before: { put: before.put.result, cpu: before.put.cpu, batch: before.batch.result },
        after: { put: late.result, cpu: late.cpu },
      };
    }

    await activeDriver.stop();
    driver = undefined;
    await runtime.stop();
    const left = await dynamoDbLocalProcesses(dynamodbPort);
    tap.restore();

    const { lines, json } = buildReport({
      config,
      mapping,
      evaluator,
      dispatcherInvocations,
      calibration,
      latency: { run: latency.result, cpu: latency.cpu, threads: latency.threads },
      throughput,
      raw,
      warnings,
      functions,
      machine: {
        cpus: cpus().length,
        loadAverageAtStart,
        loadAverageAtEnd: round(loadavg()[0] ?? 0, 2) ?? 0,
      },
      javaLeft: left.length,
    });
    if (config.dump) {
      await writeFile(
        config.dump,
        JSON.stringify({ config, mapping, evaluator, latency: latency.result, throughput, raw }),
      );
      progress(`samples written to ${config.dump}`);
    }
    for (const line of lines) console.log(line);
    console.log(JSON.stringify(json));
  } finally {
    await driver?.stop();
    await runtime.stop();
    tap.restore();
    if (config.keep) progress(`kept ${scratch}`);
    else await rm(scratch, { recursive: true, force: true });
  }
};

await main();
