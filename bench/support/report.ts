/** The figures of bench/pipeline.ts: the human summary and the JSON object of its last line. */

import type { LocalFunctionStats } from '../../src/local/functions';
import {
  batchFigures,
  type EvaluatorBatch,
  latencyFigures,
  sendFigures,
  type ThroughputFigures,
  throughputFigures,
} from './analysis';
import { type PipelineBenchConfig, targetsFor } from './config';
import type { CpuFigures } from './cpu';
import type { LoadResult, RawPutsResult } from './protocol';
import { ms, round, roundDistribution } from './stats';

export interface Measurements {
  config: PipelineBenchConfig;
  /** evaluateMetrics' mapping as run. */
  mapping: {
    batchSize: number;
    batchWindowS: number;
    tumblingWindowS: number;
    overridden: boolean;
    pollIntervalMs: number;
  };
  evaluator: EvaluatorBatch[];
  dispatcherInvocations: number;
  /** The runtime idle, then idle with the alert watcher reading (and how many reads it made). */
  calibration: { idle: CpuFigures; watch: CpuFigures; watchReads: number } | undefined;
  /** `threads`: CPU ms over the phase by thread (the main thread, each function's instances). */
  latency: { run: LoadResult; cpu: CpuFigures; threads: Record<string, number> };
  throughput:
    | {
        run: LoadResult;
        cpu: CpuFigures;
        threads: Record<string, number>;
        /** The open-loop run at a little under the evaluated rate, when the lag was unbounded at full load. */
        confirm: { rate: number; run: LoadResult } | undefined;
      }
    | undefined;
  /** PutItem and BatchWriteItem (of `batch` items) before the measured phases; PutItem after full load. */
  raw:
    | {
        before: { put: RawPutsResult; cpu: CpuFigures; batch: RawPutsResult };
        after: { put: RawPutsResult; cpu: CpuFigures };
      }
    | undefined;
  warnings: string[];
  /** Each function's pool at the end of the run (instances started, invocations that had to wait). */
  functions: Record<string, LocalFunctionStats>;
  machine: { cpus: number; loadAverageAtStart: number; loadAverageAtEnd: number };
  /** DynamoDB Local processes of this run still alive after the runtime stopped. */
  javaLeft: number;
}

/** The full-load phase's rates are read after this many seconds (pools grown, first batches through). */
export const steadyAfterS = (durationS: number): number => Math.min(3, durationS / 5);

const cpuReport = (figures: CpuFigures) => ({
  wallS: round(figures.wallMs / 1000, 1),
  nodeS: round(figures.nodeMs / 1000, 2),
  javaS: round(figures.javaMs / 1000, 2),
  driverS: round(figures.driverMs / 1000, 2),
  msPerMetric: round(figures.msPerMetric, 2),
  cores: round(figures.cores, 2),
});

/**
 * Pipeline CPU per metric above the idle runtime and without the alert watcher's reads: what the
 * metrics themselves cost (NaN without a calibration).
 */
const netMsPerMetric = (m: Measurements, cpu: CpuFigures, reads: number, metrics: number): number => {
  if (!m.calibration || metrics <= 0) return Number.NaN;
  const { idle, watch, watchReads } = m.calibration;
  const idleCores = idle.cores;
  const perRead = watchReads > 0 ? (watch.nodeMs + watch.javaMs - idleCores * watch.wallMs) / watchReads : 0;
  return (cpu.nodeMs + cpu.javaMs - idleCores * cpu.wallMs - perRead * reads) / metrics;
};

/** Pipeline CPU per request answered 202 above the idle runtime and without the watcher's reads. */
const netMsPerRequest = (m: Measurements, cpu: CpuFigures, reads: number, requests: number): number =>
  netMsPerMetric(m, cpu, reads, requests);

/**
 * Did the pipeline keep up until the end of an open-loop phase? A queue anywhere (API, function pool,
 * stream) shows as the last requests answered, or the last probes seen, long after they were sent.
 */
const endOfPhase = (run: LoadResult, batch: number, rate: number) => {
  const intervalMs = (1000 * batch) / rate;
  const lastDue = Math.max(...run.requests.map((r) => r.dueAt));
  const windowEnd = lastDue + intervalMs;
  const lastAnswer = Math.max(...run.requests.map((r) => r.endedAt));
  const lastSecond = run.requests.filter((r) => r.dueAt >= lastDue - 1000);
  const lastProbes = run.probes.filter((p) => p.sentAt !== undefined && p.sentAt >= lastDue - 1000);
  const probeMs = lastProbes.map((p) =>
    p.seenAt === undefined || p.sentAt === undefined ? Number.POSITIVE_INFINITY : p.seenAt - p.sentAt,
  );
  return {
    /** Last answer -> end of the send window. */
    lastAnswerAfterMs: lastAnswer - windowEnd,
    /** Requests of the last second answered more than a second after they were due. */
    lateRequestsLastSecond: lastSecond.filter((r) => r.endedAt - r.dueAt > 1000).length,
    /** The slowest probe sent in the last second. */
    lastProbesMaxMs: probeMs.length > 0 ? Math.max(...probeMs) : Number.NaN,
  };
};

/**
 * Where a request's CPU went, ms per request answered 202 (not net of idle): the main thread, each
 * function with any CPU in the phase, the process's other threads (libuv's pool, V8's compiler and GC
 * helpers) and DynamoDB Local, which also serves the alert watcher's reads: `dynamodbLocalNet` is its
 * share without them and without the idle JVM (from the calibration).
 */
const perRequestByThread = (
  m: Measurements,
  cpu: CpuFigures,
  threads: Record<string, number>,
  reads: number,
  requests: number,
) => {
  const per = (ms: number) => round(ms / Math.max(1, requests), 2);
  const named = Object.entries(threads).filter(([, ms]) => ms >= 1);
  const known = named.reduce((sum, [, ms]) => sum + ms, 0);
  let javaNet = Number.NaN;
  if (m.calibration) {
    const { idle, watch, watchReads } = m.calibration;
    const javaPerRead =
      watchReads > 0 ? (watch.javaMs - (idle.javaMs / idle.wallMs) * watch.wallMs) / watchReads : 0;
    javaNet = cpu.javaMs - (idle.javaMs / idle.wallMs) * cpu.wallMs - javaPerRead * reads;
  }
  return {
    ...Object.fromEntries(named.map(([name, ms]) => [name, per(ms)])),
    otherThreads: per(Math.max(0, cpu.nodeMs - known)),
    dynamodbLocal: per(cpu.javaMs),
    dynamodbLocalNet: per(javaNet),
  };
};

const describeByThread = (byThread: Record<string, number | null>): string =>
  Object.entries(byThread)
    .map(([name, ms]) => `${name} ${ms ?? 'n/a'}`)
    .join(', ');

const calibrationReport = (m: Measurements) => {
  if (!m.calibration) return null;
  const { idle, watch, watchReads } = m.calibration;
  return {
    idleCores: round(idle.cores, 3),
    idleJavaCores: round(idle.javaMs / idle.wallMs, 3),
    watcherReadsPerSecond: round(watchReads / (watch.wallMs / 1000), 1),
    watcherCpuMsPerRead: round(
      watchReads > 0 ? (watch.nodeMs + watch.javaMs - idle.cores * watch.wallMs) / watchReads : Number.NaN,
      2,
    ),
  };
};

const batchReport = (batches: ReturnType<typeof batchFigures>) => ({
  invocations: batches.invocations,
  records: roundDistribution(batches.records, 1),
  durationMs: roundDistribution(batches.durationMs),
  busyShare: round(batches.busyShare, 2),
});

const lagReport = (figures: ThroughputFigures) => ({
  p50: round(figures.lag.p50),
  max: round(figures.lag.max),
  atEnd: round(figures.lag.atEnd),
});

export const buildReport = (m: Measurements): { lines: string[]; json: Record<string, unknown> } => {
  const { config } = m;
  const TARGETS = targetsFor(config.batch);
  const intervalMs = (1000 * config.batch) / config.rate;
  const send = sendFigures(m.latency.run, intervalMs);
  const latency = latencyFigures(m.latency.run, m.evaluator);
  const latencyBatches = batchFigures(m.evaluator, m.latency.run.startedAt, m.latency.run.endedAt);
  const watcher = m.latency.run.watcher;
  const watchSeconds = (m.latency.run.endedAt - m.latency.run.startedAt) / 1000;

  // Throughput: the rate the whole pipeline took in and evaluated with the lag bounded.
  let throughput: Record<string, unknown> | undefined;
  let metricsPerSecond = Number.NaN;
  let basis = 'not measured (BENCH_THROUGHPUT_S=0)';
  const throughputLines: string[] = [];
  if (m.throughput) {
    const { run, cpu, threads, confirm } = m.throughput;
    const fullByThread = perRequestByThread(
      m,
      cpu,
      threads,
      run.watcher.reads,
      run.requests.filter((r) => r.status === 202).length,
    );
    const full = throughputFigures(run, steadyAfterS(config.throughputS));
    const fullBounded = full.lag.max <= config.maxLagMs && full.unseen === 0;
    const fullBatches = batchFigures(m.evaluator, run.startedAt, run.endedAt);
    const confirmFigures = confirm
      ? throughputFigures(confirm.run, Math.min(2, config.confirmS / 5))
      : undefined;
    const confirmAccepted = confirm
      ? sendFigures(confirm.run, (1000 * config.batch) / confirm.rate).acceptedRate
      : Number.NaN;
    const confirmBounded =
      confirmFigures !== undefined &&
      confirmFigures.lag.max <= config.maxLagMs &&
      confirmFigures.unseen === 0;
    if (fullBounded) {
      metricsPerSecond = Math.min(full.ingestedPerSecond, full.evaluatedPerSecond);
      basis = 'full load, lag bounded';
    } else if (confirm && confirmBounded) {
      metricsPerSecond = confirmAccepted;
      basis = `lag unbounded at full load; held at ${confirm.rate}/s offered`;
    } else {
      metricsPerSecond = full.evaluatedPerSecond;
      basis = 'lag unbounded; evaluated rate at full load (not confirmed)';
    }
    throughput = {
      basis,
      concurrency: config.concurrency,
      durationS: config.throughputS,
      steadyWindowS: round(full.windowS, 1),
      ingestedPerSecond: round(full.ingestedPerSecond),
      evaluatedPerSecond: round(full.evaluatedPerSecond),
      lagMs: lagReport(full),
      lagBounded: fullBounded,
      drainMs: round(full.drainMs),
      probeLatencyMs: roundDistribution(full.probeLatency),
      failedRequests: sendFigures(run).failedRequests,
      responseMs: roundDistribution(sendFigures(run).response),
      evaluatorBatches: batchReport(fullBatches),
      cpu: {
        ...cpuReport(cpu),
        netMsPerMetric: round(netMsPerMetric(m, cpu, run.watcher.reads, sendFigures(run).metricsAccepted), 2),
        netMsPerRequest: round(
          netMsPerRequest(m, cpu, run.watcher.reads, run.requests.filter((r) => r.status === 202).length),
          2,
        ),
        perRequestByThreadMs: fullByThread,
      },
      ...(confirm && confirmFigures
        ? {
            confirm: {
              offeredRate: confirm.rate,
              acceptedRate: round(confirmAccepted, 1),
              evaluatedPerSecond: round(confirmFigures.evaluatedPerSecond),
              lagMs: lagReport(confirmFigures),
              lagBounded: confirmBounded,
              probeLatencyMs: roundDistribution(confirmFigures.probeLatency),
            },
          }
        : {}),
    };
    throughputLines.push(
      `throughput at full load (${config.concurrency} senders, ${config.throughputS} s): ingested ${round(full.ingestedPerSecond)}/s, evaluated ${round(full.evaluatedPerSecond)}/s, ` +
        `lag p50 ${ms(full.lag.p50)} max ${ms(full.lag.max)}, drain ${ms(full.drainMs)}${fullBounded ? '' : ' (lag NOT bounded)'}; ` +
        `evaluator busy ${Math.round(fullBatches.busyShare * 100)}%, ` +
        `${round(netMsPerMetric(m, cpu, run.watcher.reads, sendFigures(run).metricsAccepted), 2) ?? 'n/a'} ms CPU per metric above idle`,
    );
    throughputLines.push(
      `  CPU ms per request by thread (not net of idle): ${describeByThread(fullByThread)}`,
    );
    if (confirm && confirmFigures) {
      throughputLines.push(
        `  held at ${confirm.rate}/s offered (${round(confirmAccepted, 1)}/s accepted): evaluated ${round(confirmFigures.evaluatedPerSecond)}/s, ` +
          `lag p50 ${ms(confirmFigures.lag.p50)} max ${ms(confirmFigures.lag.max)}${confirmBounded ? '' : ' (NOT bounded)'}`,
      );
    }
  }

  let raw: Record<string, unknown> | undefined;
  // The better of the two PutItem runs: a slow moment of DynamoDB Local must not flatter the ratio.
  const rawPutsPerSecond = m.raw
    ? Math.max(m.raw.before.put.itemsPerSecond, m.raw.after.put.itemsPerSecond)
    : Number.NaN;
  const ratio = metricsPerSecond / rawPutsPerSecond;
  if (m.raw) {
    const { before, after } = m.raw;
    const javaMsPer = (cpu: CpuFigures, items: number) => round(cpu.javaMs / Math.max(1, items), 2);
    const putReport = (put: RawPutsResult, cpu: CpuFigures) => ({
      putItemPerSecond: round(put.itemsPerSecond),
      putItemMeanMs: round(put.meanRequestMs, 1),
      putItemJavaCpuMs: javaMsPer(cpu, put.items),
    });
    raw = {
      concurrency: config.concurrency,
      putItemPerSecond: round(rawPutsPerSecond),
      before: putReport(before.put, before.cpu),
      after: putReport(after.put, after.cpu),
      batchWriteItemsPerSecond: round(before.batch.itemsPerSecond),
      batchWriteSize: config.batch,
      batchWriteMeanMs: round(before.batch.meanRequestMs, 1),
      errors: before.put.errors + before.batch.errors + after.put.errors,
      ratioToBatchWrite: round(metricsPerSecond / before.batch.itemsPerSecond, 3),
    };
  }

  // Per request the runtime served: ingestMetrics' invocations in the phase. A request that outlived the
  // API's 30 s integration timeout was answered 503 yet still ran and wrote its reading, so under
  // overload the 202s alone would charge that work to fewer requests.
  const requestsServed =
    m.functions.ingestMetrics?.invocations ?? m.latency.run.requests.filter((r) => r.status === 202).length;
  const cpuMsPerRequest = netMsPerRequest(m, m.latency.cpu, m.latency.run.watcher.reads, requestsServed);
  const end = endOfPhase(m.latency.run, config.batch, config.rate);
  const latencyByThread = perRequestByThread(
    m,
    m.latency.cpu,
    m.latency.threads,
    m.latency.run.watcher.reads,
    requestsServed,
  );
  const nothingQueued =
    end.lastAnswerAfterMs <= TARGETS.p99Ms &&
    end.lateRequestsLastSecond === 0 &&
    !(end.lastProbesMaxMs > TARGETS.p99Ms) &&
    send.failedRequests === 0;
  const met = {
    p50: latency.latency.p50 <= TARGETS.p50Ms,
    p99: latency.latency.p99 <= TARGETS.p99Ms,
    ratio: Number.isFinite(ratio) ? ratio >= TARGETS.minRatio : null,
    cpuPerRequest: Number.isFinite(cpuMsPerRequest) ? cpuMsPerRequest <= TARGETS.maxCpuMsPerRequest : null,
    nothingQueued,
  };
  const json: Record<string, unknown> = {
    p50Ms: round(latency.latency.p50),
    p99Ms: round(latency.latency.p99),
    metricsPerSecond: round(metricsPerSecond),
    rawPutsPerSecond: round(rawPutsPerSecond),
    ratio: round(ratio, 3),
    samples: latency.samples,
    unseen: latency.unseen,
    offeredRate: config.rate,
    achievedRate: round(send.achievedRate, 1),
    acceptedRate: round(send.acceptedRate, 1),
    durationS: config.durationS,
    readingsPerRequest: config.batch,
    cpuMsPerRequest: round(cpuMsPerRequest, 2),
    lagMs: (throughput?.lagMs as { max: number | null } | undefined)?.max ?? null,
    targets: { ...TARGETS, maxLagMs: config.maxLagMs, met },
    latency: {
      ms: roundDistribution(latency.latency),
      breakdownMs: {
        ingest: roundDistribution(latency.breakdown.ingest),
        toInvoke: roundDistribution(latency.breakdown.toInvoke),
        invoke: roundDistribution(latency.breakdown.invoke),
        toSeen: roundDistribution(latency.breakdown.toSeen),
      },
      requests: send.requests,
      failedRequests: send.failedRequests,
      endOfPhase: {
        lastAnswerAfterMs: round(end.lastAnswerAfterMs),
        lateRequestsLastSecond: end.lateRequestsLastSecond,
        lastProbesMaxMs: round(end.lastProbesMaxMs),
        nothingQueued,
      },
      startDelayMs: roundDistribution(send.startDelay, 1),
      responseMs: roundDistribution(send.response),
      evaluatorBatches: batchReport(latencyBatches),
      watcher: {
        intervalMs: config.watchIntervalMs,
        readsPerSecond: round(watcher.reads / Math.max(0.001, watchSeconds), 1),
        meanReadMs: round(watcher.meanReadMs, 1),
        maxReadMs: round(watcher.maxReadMs, 1),
      },
      cpu: {
        ...cpuReport(m.latency.cpu),
        netMsPerMetric: round(
          netMsPerMetric(m, m.latency.cpu, m.latency.run.watcher.reads, send.metricsAccepted),
          2,
        ),
        netMsPerRequest: round(cpuMsPerRequest, 2),
        nodeMsPerRequest: round(m.latency.cpu.nodeMs / Math.max(1, requestsServed), 2),
        javaMsPerRequest: round(m.latency.cpu.javaMs / Math.max(1, requestsServed), 2),
        perRequestByThreadMs: latencyByThread,
      },
    },
    functions: m.functions,
    calibration: calibrationReport(m),
    throughput: throughput ?? null,
    raw: raw ?? null,
    evaluateMetricsMapping: m.mapping,
    dispatcherInvocations: m.dispatcherInvocations,
    warnings: m.warnings.length,
    firstWarnings: m.warnings.slice(0, 3),
    machine: m.machine,
    javaLeft: m.javaLeft,
  };

  const yesNo = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? 'met' : 'MISSED');
  const b = latency.breakdown;
  const lines = [
    `pipeline through the local runtime: evaluateMetrics batchSize ${m.mapping.batchSize}, batchWindow ${m.mapping.batchWindowS} s, ` +
      `tumblingWindow ${m.mapping.tumblingWindowS} s` +
      `${m.mapping.overridden ? ' (BENCH_ overrides, not serverless.yml)' : ''}, stream poll ${m.mapping.pollIntervalMs} ms; ` +
      `${m.machine.cpus} CPUs, load average ${m.machine.loadAverageAtStart} at start, ${m.machine.loadAverageAtEnd} at end`,
    `shape: ${config.batch} reading${config.batch === 1 ? '' : 's'} per request (BENCH_BATCH), a probe every ${config.probeEvery} request${config.probeEvery === 1 ? '' : 's'}; ` +
      `rates below are readings (metrics) per second: ${round(config.rate / config.batch, 1)} requests/s offered in the latency phase`,
    `latency @ ${config.rate}/s offered, ${round(send.achievedRate, 1)}/s achieved (${round(send.acceptedRate, 1)}/s accepted) for ${config.durationS} s: ` +
      `p50 ${ms(latency.latency.p50)}, p90 ${ms(latency.latency.p90)}, p99 ${ms(latency.latency.p99)}, max ${ms(latency.latency.max)} over ${latency.samples} probes` +
      (latency.unseen > 0 ? ` (${latency.unseen} never seen)` : ''),
    `  where it goes (p50 / p99): POST ${ms(b.ingest.p50)} / ${ms(b.ingest.p99)}, until evaluateMetrics is invoked ${ms(b.toInvoke.p50)} / ${ms(b.toInvoke.p99)}, ` +
      `the invocation ${ms(b.invoke.p50)} / ${ms(b.invoke.p99)}, until seen ${ms(b.toSeen.p50)} / ${ms(b.toSeen.p99)}`,
    `  evaluator: ${latencyBatches.invocations} batches of ${round(latencyBatches.records.mean, 1)} records on average, busy ${Math.round(latencyBatches.busyShare * 100)}% of the time; ` +
      `${round(m.latency.cpu.cores, 2)} cores busy (runtime + DynamoDB Local), ` +
      `${round(netMsPerMetric(m, m.latency.cpu, m.latency.run.watcher.reads, send.metricsAccepted), 2) ?? 'n/a'} ms CPU per metric above idle` +
      (m.calibration ? ` (idle runtime ${round(m.calibration.idle.cores, 2)} cores)` : ''),
    `  CPU per request above idle: ${round(cpuMsPerRequest, 2) ?? 'n/a'} ms (whole runtime: Node.js ${round(m.latency.cpu.nodeMs / Math.max(1, requestsServed), 2)} ms + DynamoDB Local ${round(m.latency.cpu.javaMs / Math.max(1, requestsServed), 2)} ms per request before subtracting idle and the watcher)`,
    `  CPU ms per request by thread (not net of idle): ${describeByThread(latencyByThread)}`,
    `  end of the phase: last answer ${ms(end.lastAnswerAfterMs)} after the send window, ${end.lateRequestsLastSecond} requests of the last second answered > 1 s late, ` +
      `slowest probe of the last second ${ms(end.lastProbesMaxMs)}: ${nothingQueued ? 'nothing queued' : 'a backlog was left'}`,
    `  function instances: ${Object.entries(m.functions)
      .filter(([, f]) => f.invocations > 0)
      .map(([name, f]) => `${name} ${f.instances} (${f.waited} of ${f.invocations} invocations waited)`)
      .join(', ')}`,
    ...throughputLines,
    m.raw
      ? `ceiling: DynamoDB Local PutItem ${round(rawPutsPerSecond)} items/s, ${config.concurrency} at a time ` +
        `(${round(m.raw.before.put.itemsPerSecond)} before the phases, ${round(m.raw.after.put.itemsPerSecond)} after; ` +
        `${round(m.raw.before.cpu.javaMs / Math.max(1, m.raw.before.put.items), 2)} / ${round(m.raw.after.cpu.javaMs / Math.max(1, m.raw.after.put.items), 2)} ms Java CPU each); ` +
        `BatchWriteItem of ${config.batch}: ${round(m.raw.before.batch.itemsPerSecond)} items/s`
      : 'ceiling: not measured (BENCH_RAW_S=0)',
    `sustained ${round(metricsPerSecond) ?? 'n/a'} metrics/s = ${round(ratio, 2) ?? 'n/a'}x raw PutItem (${basis})`,
    `targets: p50 <= ${TARGETS.p50Ms} ms ${yesNo(met.p50)}, p99 <= ${TARGETS.p99Ms} ms ${yesNo(met.p99)}, ` +
      `throughput >= ${TARGETS.minRatio}x raw ${yesNo(met.ratio)}, ` +
      `CPU per request <= ${TARGETS.maxCpuMsPerRequest} ms ${yesNo(met.cpuPerRequest)}, nothing queued at the end ${yesNo(met.nothingQueued)}` +
      (m.warnings.length > 0 ? `; ${m.warnings.length} poller warnings` : '') +
      (m.javaLeft > 0 ? `; ${m.javaLeft} DynamoDB Local processes still running` : ''),
  ];
  return { lines, json };
};
