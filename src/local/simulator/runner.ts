import { MAX_METRICS_PER_REQUEST } from '../../domain/metric-schema';
import type { Metric } from '../../domain/types';
import type { Fleet } from './fleet';
import { failureKey, messageOf } from './send-error';
import { abortableSleep } from './sleep';
import { createTally, type SimulationSummary } from './summary';

export type Send = (metrics: Metric[]) => Promise<void>;

export interface RequestFailure {
  /** HTTP status, 'network' or 'error' (see failureKey). */
  status: string;
  message: string;
  metrics: number;
}

/** Reported after every tick, failures included: a failing API does not stop the run. */
export interface TickInfo {
  /** 1-based number of this tick. */
  tick: number;
  /** Event time of this tick's readings. */
  timestamp: number;
  metrics: number;
  requests: number;
  failures: RequestFailure[];
  /** Running totals after this tick. */
  totals: SimulationSummary;
}

export interface RunSimulatorOptions {
  fleet: Fleet;
  intervalMs?: number;
  send: Send;
  /** The run ends when this aborts; a send under way is finished first, so the totals stay exact. */
  signal?: AbortSignal;
  onTick?(info: TickInfo): void;
  clock?: () => number;
  /** For tests: how to wait between ticks. Must return early when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const chunksOf = <T>(items: readonly T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
};

/**
 * Ticks the fleet every `intervalMs` (fixed rate from the start) and sends each tick's readings, at
 * most 500 per request, until `signal` aborts. Sends never overlap: the next tick waits for the
 * previous one, and tick slots a slow send overran are skipped rather than queued, so a struggling API
 * sees the rate drop instead of a burst of stale readings.
 */
export const runSimulator = async ({
  fleet,
  intervalMs = 5000,
  send,
  signal,
  onTick,
  clock = Date.now,
  sleep = abortableSleep,
}: RunSimulatorOptions): Promise<SimulationSummary> => {
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
    throw new RangeError(`intervalMs must be a positive number of milliseconds, got ${intervalMs}`);
  }
  const tally = createTally();
  const started = clock();
  let slot = 0;
  while (!signal?.aborted) {
    const timestamp = clock();
    const metrics = fleet.tick(timestamp);
    const chunks = chunksOf(metrics, MAX_METRICS_PER_REQUEST);
    const failures: RequestFailure[] = [];
    tally.tick();
    // One request at a time, so a tick's chunks do not overlap either.
    for (const chunk of chunks) {
      try {
        await send(chunk);
        tally.ok(chunk.length);
      } catch (error) {
        tally.failed(chunk.length, error);
        failures.push({ status: failureKey(error), message: messageOf(error), metrics: chunk.length });
      }
    }
    const now = clock();
    const totals = tally.snapshot(now - started);
    onTick?.({
      tick: totals.ticks,
      timestamp,
      metrics: metrics.length,
      requests: chunks.length,
      failures,
      totals,
    });
    // The first slot not already in the past; a slot that is due right now still runs.
    const next = Math.max(slot + 1, Math.ceil((now - started) / intervalMs));
    tally.skipped(next - slot - 1);
    slot = next;
    await sleep(started + slot * intervalMs - now, signal);
  }
  return tally.snapshot(clock() - started);
};
