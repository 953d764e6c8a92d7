/**
 * Turns what the driver and the runtime recorded into the benchmark's figures. Definitions (also in
 * docs/benchmarks.md):
 *
 * - probe latency: start of the POST /metrics that carried the probe -> first alerts-table read that
 *   found its alert row (an upper bound: the row appeared between the previous read and that one).
 * - evaluation lag at time t: t minus the write time of the newest probe whose alert is visible at t
 *   (its POST's answer time; the metric was written just before). Background metrics are evaluated in
 *   stream order with the probes, so this is "newest metric written" minus "newest metric evaluated"
 *   while metrics keep arriving, measured to the probe spacing.
 * - evaluated metrics by time t: metrics of the requests answered 202 before the newest probe visible
 *   at t was sent (all of them are ahead of it in the stream).
 */
import type { LoadResult, ProbeSample, RequestSample } from './protocol';
import { type Distribution, distribution, percentile } from './stats';

/** One evaluateMetrics invocation, as the runtime reported it. */
export interface EvaluatorBatch {
  startedAt: number;
  durationMs: number;
  records: number;
  /** Probe station ids among its records. */
  probes: string[];
}

export interface SendFigures {
  requests: number;
  failedRequests: number;
  metricsSent: number;
  metricsAccepted: number;
  /** From the first request's start to the last one's, plus one request interval. */
  sendWindowS: number;
  achievedRate: number;
  acceptedRate: number;
  /** How late requests left against their schedule (open loop). */
  startDelay: Distribution;
  /** POST /metrics round trip. */
  response: Distribution;
}

export const sendFigures = (result: LoadResult, intervalMs?: number): SendFigures => {
  const requests = result.requests;
  const starts = requests.map((r) => r.startedAt);
  const first = Math.min(...starts);
  const last = Math.max(...starts);
  const spacing = intervalMs ?? (requests.length > 1 ? (last - first) / (requests.length - 1) : 0);
  const sendWindowS = Math.max(0.001, (last - first + spacing) / 1000);
  const metricsSent = requests.reduce((n, r) => n + r.metrics, 0);
  const metricsAccepted = requests.filter((r) => r.status === 202).reduce((n, r) => n + r.metrics, 0);
  return {
    requests: requests.length,
    failedRequests: requests.filter((r) => r.status !== 202).length,
    metricsSent,
    metricsAccepted,
    sendWindowS,
    achievedRate: metricsSent / sendWindowS,
    acceptedRate: metricsAccepted / sendWindowS,
    startDelay: distribution(requests.map((r) => r.startedAt - r.dueAt)),
    response: distribution(requests.map((r) => r.endedAt - r.startedAt)),
  };
};

const seenProbes = (probes: readonly ProbeSample[]) =>
  probes.filter((p): p is ProbeSample & { seenAt: number } => p.status === 202 && p.seenAt !== undefined);

export interface LatencyFigures {
  samples: number;
  /** Probes accepted whose alert never appeared. */
  unseen: number;
  latency: Distribution;
  /**
   * Where a probe's time went, per probe: POST round trip; answer -> evaluator invocation start (stream
   * poll, batch window or batch size, queue behind the previous batch); the invocation; invocation end
   * -> seen (the watcher's resolution).
   */
  breakdown: { ingest: Distribution; toInvoke: Distribution; invoke: Distribution; toSeen: Distribution };
}

export const latencyFigures = (result: LoadResult, batches: readonly EvaluatorBatch[]): LatencyFigures => {
  const probes = seenProbes(result.probes);
  const batchOf = new Map<string, EvaluatorBatch>();
  for (const batch of batches) for (const id of batch.probes) if (!batchOf.has(id)) batchOf.set(id, batch);
  const ingest: number[] = [];
  const toInvoke: number[] = [];
  const invoke: number[] = [];
  const toSeen: number[] = [];
  for (const probe of probes) {
    ingest.push(probe.answeredAt - probe.sentAt);
    const batch = batchOf.get(probe.stationId);
    if (!batch) continue;
    toInvoke.push(batch.startedAt - probe.answeredAt);
    invoke.push(batch.durationMs);
    toSeen.push(probe.seenAt - (batch.startedAt + batch.durationMs));
  }
  return {
    samples: probes.length,
    unseen: result.probes.filter((p) => p.status === 202 && p.seenAt === undefined).length,
    latency: distribution(probes.map((p) => p.seenAt - p.sentAt)),
    breakdown: {
      ingest: distribution(ingest),
      toInvoke: distribution(toInvoke),
      invoke: distribution(invoke),
      toSeen: distribution(toSeen),
    },
  };
};

export interface BatchFigures {
  invocations: number;
  records: Distribution;
  durationMs: Distribution;
  /** Share of the phase the evaluator spent inside invocations (1 = always busy). */
  busyShare: number;
}

export const batchFigures = (batches: readonly EvaluatorBatch[], from: number, to: number): BatchFigures => {
  const inPhase = batches.filter((b) => b.startedAt >= from && b.startedAt <= to);
  const busy = inPhase.reduce((n, b) => n + b.durationMs, 0);
  return {
    invocations: inPhase.length,
    records: distribution(inPhase.map((b) => b.records)),
    durationMs: distribution(inPhase.map((b) => b.durationMs)),
    busyShare: to > from ? busy / (to - from) : 0,
  };
};

export interface ThroughputFigures {
  /** The steady part of the phase the rates are taken over (the first seconds warm the pools up). */
  windowS: number;
  ingestedPerSecond: number;
  evaluatedPerSecond: number;
  lag: { p50: number; max: number; atEnd: number };
  /** From the last request's answer to the alert of a probe sent after it: the backlog's drain. */
  drainMs: number;
  probeLatency: Distribution;
  unseen: number;
}

/** Accepted metrics of requests answered at or before `t`, from requests sorted by answer time. */
const acceptedBy = (answered: readonly RequestSample[], cumulative: readonly number[], t: number): number => {
  let low = 0;
  let high = answered.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((answered[mid] as RequestSample).endedAt <= t) low = mid + 1;
    else high = mid;
  }
  return low === 0 ? 0 : (cumulative[low - 1] as number);
};

export const throughputFigures = (result: LoadResult, warmupS: number): ThroughputFigures => {
  const answered = result.requests.filter((r) => r.status === 202).sort((a, b) => a.endedAt - b.endedAt);
  const cumulative: number[] = [];
  let total = 0;
  for (const r of answered) {
    total += r.metrics;
    cumulative.push(total);
  }
  const probes = seenProbes(result.probes).sort((a, b) => a.seenAt - b.seenAt);
  // The final probe (sent after the load stopped) measures the drain, not the steady state.
  const last = probes.find((p) => p.sentAt >= result.endedAt);
  const steady = probes.filter((p) => p !== last);

  const from = result.startedAt + warmupS * 1000;
  const to = result.endedAt;
  /** Newest probe visible at t: its POST's start and answer. */
  const frontierAt = (t: number): ProbeSample | undefined => {
    let newest: ProbeSample | undefined;
    for (const p of steady) {
      if (p.seenAt > t) break;
      if (!newest || p.answeredAt > newest.answeredAt) newest = p;
    }
    return newest;
  };
  const evaluatedBy = (t: number): number => {
    const p = frontierAt(t);
    return p ? acceptedBy(answered, cumulative, p.sentAt) : 0;
  };
  const lagAt = (t: number): number => t - (frontierAt(t)?.answeredAt ?? result.startedAt);

  const lags: number[] = [];
  for (let t = from; t <= to; t += 100) lags.push(lagAt(t));
  const windowS = Math.max(0.001, (to - from) / 1000);
  return {
    windowS,
    ingestedPerSecond:
      (acceptedBy(answered, cumulative, to) - acceptedBy(answered, cumulative, from)) / windowS,
    evaluatedPerSecond: (evaluatedBy(to) - evaluatedBy(from)) / windowS,
    lag: { p50: percentile(lags, 50), max: Math.max(...lags, lagAt(to)), atEnd: lagAt(to) },
    drainMs: last ? last.seenAt - result.endedAt : Number.NaN,
    probeLatency: distribution(steady.map((p) => p.seenAt - p.sentAt)),
    unseen: result.probes.filter((p) => p.status === 202 && p.seenAt === undefined).length,
  };
};
