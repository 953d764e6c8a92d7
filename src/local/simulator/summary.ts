import { failureKey, messageOf } from './send-error';

/** What a run did, as printed at the end of `ai-ops simulate`. */
export interface SimulationSummary {
  /** Ticks whose readings were sent (or tried). */
  ticks: number;
  /** Tick slots dropped because the previous send was still running. */
  skippedTicks: number;
  /** Readings in requests the API accepted. */
  metricsSent: number;
  /** Readings in requests that failed. */
  metricsFailed: number;
  requestsOk: number;
  requestsFailed: number;
  /** Failed requests by HTTP status, 'network' or 'error' (see failureKey). */
  errorsByStatus: Record<string, number>;
  lastError?: string;
  elapsedMs: number;
  /** metricsSent per second of elapsed time, one decimal. */
  metricsPerSecond: number;
}

/** Counts a run's outcomes; `snapshot` is taken for each tick report and for the final summary. */
export const createTally = () => {
  const tally: Omit<SimulationSummary, 'elapsedMs' | 'metricsPerSecond'> = {
    ticks: 0,
    skippedTicks: 0,
    metricsSent: 0,
    metricsFailed: 0,
    requestsOk: 0,
    requestsFailed: 0,
    errorsByStatus: {},
  };
  return {
    tick: () => {
      tally.ticks++;
    },
    skipped: (slots: number) => {
      tally.skippedTicks += slots;
    },
    ok: (metrics: number) => {
      tally.requestsOk++;
      tally.metricsSent += metrics;
    },
    failed: (metrics: number, error: unknown) => {
      tally.requestsFailed++;
      tally.metricsFailed += metrics;
      const key = failureKey(error);
      tally.errorsByStatus[key] = (tally.errorsByStatus[key] ?? 0) + 1;
      tally.lastError = messageOf(error);
    },
    snapshot: (elapsedMs: number): SimulationSummary => ({
      ...tally,
      errorsByStatus: { ...tally.errorsByStatus },
      elapsedMs,
      metricsPerSecond: elapsedMs > 0 ? Math.round((tally.metricsSent / elapsedMs) * 10_000) / 10 : 0,
    }),
  };
};
