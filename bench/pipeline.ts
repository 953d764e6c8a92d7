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
import { mkdtempSync, statSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EvaluatorBatch, throughputFigures } from './support/analysis';
import { pipelineBenchConfig } from './support/config';
import { capacityByTable, lambdaPer, phaseCosts, unitsPer } from './support/costs';
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

/** Approves up to `count` PENDING alerts through the API, one after the other; how many it approved. */
const approveSome = async (url: string, count: number): Promise<number> => {
  if (count <= 0) return 0;
  const tokenResponse = await fetch(`${url}/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: 'bench-approver', scopes: ['alerts/read', 'alerts/decide'] }),
  });
  if (!tokenResponse.ok) throw new Error(`POST /local/token answered ${tokenResponse.status}`);
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const page = await fetch(`${url}/alerts?status=PENDING&limit=${count}`, { headers });
  if (!page.ok) throw new Error(`GET /alerts answered ${page.status}`);
  const { items } = (await page.json()) as { items: { alertId: string }[] };
  let approved = 0;
  for (const { alertId } of items) {
    const answer = await fetch(`${url}/alerts/${encodeURIComponent(alertId)}/approve`, {
      method: 'POST',
      headers,
    });
    if (answer.ok) approved += 1;
    else progress(`approve ${alertId} answered ${answer.status}`);
  }
  return approved;
};

/** The functions that work per metric, and those that work per alert. */
const METRIC_FUNCTIONS = ['ingestMetrics', 'evaluateMetrics'];

/**
 * Consumed capacity and Lambda time per metric and per alert (issue 16). Per metric: the metrics table's
 * units over the latency phase (the readings written, the evaluator's window reads). Per alert created:
 * the evaluator's units on every other table over the alerts the probes raised; dispatched: the
 * dispatcher's units over the same alerts; decided: everything the approvals set off, over the approvals.
 */
const costFigures = (m: {
  metrics: number;
  alertsCreated: number;
  decisions: number;
  latency: ReturnType<typeof phaseCosts>;
  decided: ReturnType<typeof phaseCosts>;
  metricsTable: string;
  latencyLogBytes: number;
  decisionLogBytes: number;
  sweep: { invocations: number; billedMs: number } | undefined;
  logLevel: string;
}) => {
  const isMetrics = (table: string) => table === m.metricsTable;
  const perMetric = unitsPer(m.latency, m.metrics, { tables: isMetrics });
  const allIn = unitsPer(m.latency, m.metrics);
  const created = unitsPer(m.latency, m.alertsCreated, {
    functions: ['evaluateMetrics'],
    tables: (t) => !isMetrics(t),
  });
  const dispatched = unitsPer(m.latency, m.alertsCreated, { functions: ['dispatchAlertChange'] });
  const decided = unitsPer(m.decided, m.decisions);
  const lambdaPerMetric = lambdaPer(m.latency, m.metrics, METRIC_FUNCTIONS);
  const lambdaMsPerMetric = Object.fromEntries(
    Object.entries(lambdaPerMetric).map(([name, use]) => [name, use.billedMs]),
  );
  const lambdaPerAlert = lambdaPer(
    {
      ...Object.fromEntries(
        Object.entries(m.decided).map(([name, phase]) => [
          name,
          // The dispatcher works on the new alert too (approval request): add its share of the latency phase.
          name === 'dispatchAlertChange' && m.decisions > 0
            ? {
                ...phase,
                invocations:
                  phase.invocations +
                  ((m.latency[name]?.invocations ?? 0) * m.decisions) / Math.max(1, m.alertsCreated),
                billedMs:
                  phase.billedMs +
                  ((m.latency[name]?.billedMs ?? 0) * m.decisions) / Math.max(1, m.alertsCreated),
              }
            : phase,
        ]),
      ),
    },
    m.decisions,
  );
  const round4 = (n: number) => Math.round(n * 10_000) / 10_000;
  const unitFigures = {
    perMetric: {
      writeUnits: perMetric.writeUnits,
      readUnits: perMetric.readUnits,
      logBytes: m.metrics > 0 ? Math.round(m.latencyLogBytes / m.metrics) : 0,
      logLevel: m.logLevel,
      functions: lambdaPerMetric,
    },
    perAlert: {
      created,
      dispatched,
      decided,
      logBytes: m.decisions > 0 ? Math.round(m.decisionLogBytes / m.decisions) : 0,
      functions: Object.fromEntries(
        Object.entries(lambdaPerAlert).filter(([name]) => !METRIC_FUNCTIONS.includes(name)),
      ),
    },
    sweepBilledMs: m.sweep && m.sweep.invocations > 0 ? round4(m.sweep.billedMs / m.sweep.invocations) : 0,
  };
  return {
    json: {
      writeUnitsPerMetric: perMetric.writeUnits,
      readUnitsPerMetric: perMetric.readUnits,
      lambdaMsPerMetric,
      capacity: {
        perMetricAllIn: allIn,
        perAlert: { created, dispatched, decided },
        alertsCreated: m.alertsCreated,
        decisions: m.decisions,
        latencyPhaseByTable: capacityByTable(m.latency),
        decisionPhaseByTable: capacityByTable(m.decided),
      },
      unitFigures,
    },
    lines: [
      `capacity per metric: ${perMetric.writeUnits} write, ${perMetric.readUnits} read units (metrics table; all tables incl. the probes' alerts: ${allIn.writeUnits} write, ${allIn.readUnits} read)`,
      `capacity per alert: created ${created.writeUnits} W / ${created.readUnits} R, dispatched ${dispatched.writeUnits} W / ${dispatched.readUnits} R, decided ${decided.writeUnits} W / ${decided.readUnits} R (${m.alertsCreated} alerts, ${m.decisions} approved)`,
      `lambda billed ms per metric: ${Object.entries(lambdaMsPerMetric)
        .map(([name, ms]) => `${name} ${ms}`)
        .join(', ')}`,
    ],
  };
};

const main = async () => {
  const loadAverageAtStart = round(loadavg()[0] ?? 0, 2) ?? 0;
  const { tapOutput } = await import('../src/local/log-tap');
  const { startLocalRuntime } = await import('../src/local/runtime');
  const { tableNameOf } = await import('../src/local/service-definition');

  const scratch = mkdtempSync(join(tmpdir(), 'ai-ops-bench-'));
  // Handler output (EMF metric lines, warnings) goes to a file, so stdout stays this report.
  const logFile = join(scratch, 'logs.jsonl');
  const tap = tapOutput(logFile, () => undefined);
  /** Bytes the functions have logged so far (log lines and EMF metric lines: what CloudWatch ingests). */
  const loggedBytes = async (): Promise<number> => {
    await new Promise((resolve) => setImmediate(resolve)); // the tap writes once per turn of the loop
    try {
      return statSync(logFile).size;
    } catch {
      return 0;
    }
  };
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
    ...(config.maxInstances === undefined ? {} : { maxInstancesPerFunction: config.maxInstances }),
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
    const logBytesBefore = await loggedBytes();
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
    const poolsAfterLatency = runtime.functionStats();
    const latencyLogBytes = (await loggedBytes()) - logBytesBefore;
    // What each decided alert costs: approvals through the API, the workflow, the outcome recorded.
    progress(`decisions: approving up to ${config.decisions} of the latency phase's alerts`);
    const decisions = await approveSome(runtime.url, config.decisions);
    await settle();
    const poolsAfterDecisions = runtime.functionStats();
    const decisionLogBytes = (await loggedBytes()) - logBytesBefore - latencyLogBytes;
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

    const costs = costFigures({
      // Every reading sent in the phase, answered in time or not: the phase has drained (settle) by now,
      // and a loaded machine answers some requests after the driver stopped waiting, stored all the same.
      metrics: latency.result.requests.reduce((n, r) => n + r.metrics, 0),
      // Each probe is a new station's first reading: one new alert (the watcher saw them all, or says so).
      alertsCreated: latency.result.probes.length,
      decisions,
      latency: phaseCosts(poolsBefore, poolsAfterLatency),
      decided: phaseCosts(poolsAfterLatency, poolsAfterDecisions),
      metricsTable: tableNameOf(runtime.definition, 'MetricsTable'),
      latencyLogBytes,
      decisionLogBytes,
      sweep: runtime.functionStats().sweepAlerts,
      logLevel: process.env.LOG_LEVEL ?? 'WARN',
    });
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
    for (const line of costs.lines) console.log(line);
    console.log(JSON.stringify({ ...json, ...costs.json }));
  } finally {
    await driver?.stop();
    await runtime.stop();
    tap.restore();
    if (config.keep) progress(`kept ${scratch}`);
    else await rm(scratch, { recursive: true, force: true });
  }
};

await main();
