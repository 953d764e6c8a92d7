import type { Metric } from '../domain/types';
import { isAscendingByTimestamp, sortByTimestamp, sortedByTimestamp } from './sorted-by-timestamp';

/** Five minutes: long enough for a few readings per station, short enough to describe "now". */
export const DEFAULT_WINDOW_MS = 300_000;

/** First index whose timestamp is > `ts` (sorted ascending). */
const firstIndexAfter = (sorted: readonly Metric[], ts: number): number => {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as Metric).timestamp > ts) high = mid;
    else low = mid + 1;
  }
  return low;
};

/** First index whose timestamp is >= `ts` (sorted ascending). */
export const firstIndexAtOrAfter = (sorted: readonly Metric[], ts: number): number => {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as Metric).timestamp >= ts) high = mid;
    else low = mid + 1;
  }
  return low;
};

const assertWindowMs = (windowMs: number): void => {
  if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
    throw new RangeError(`windowMs must be a positive finite number of milliseconds, got ${windowMs}`);
  }
};

/**
 * The window of `sorted` (ascending) for `evaluated`: evaluatedTs - windowMs < timestamp < evaluatedTs,
 * then `evaluated` itself last. A stored copy of the evaluated record (same timestamp) is replaced by
 * `evaluated`, so the record under evaluation is counted exactly once and is always the latest.
 */
const sliceWindow = (sorted: readonly Metric[], evaluated: Metric, windowMs: number): Metric[] => {
  const start = firstIndexAfter(sorted, evaluated.timestamp - windowMs);
  const end = firstIndexAtOrAfter(sorted, evaluated.timestamp);
  const window: Metric[] = [];
  for (let i = start; i < end; i++) {
    const metric = sorted[i] as Metric;
    // Other stations' records would corrupt every count; skipping them is cheaper than a caller's filter.
    if (metric.stationId === evaluated.stationId) window.push(metric);
  }
  window.push(evaluated);
  return window;
};

/**
 * Selects the window for `evaluated` from a station's metrics (ascending by timestamp expected; a list
 * out of order is sorted once and remembered, so do not mutate it between calls). Event time: the
 * window is (evaluatedTs - windowMs, evaluatedTs], start exclusive, end inclusive, and records newer
 * than `evaluated` are ignored, so replaying a batch gives the same answer as the live run.
 */
export const windowFor = (
  stationMetricsSortedAsc: readonly Metric[],
  evaluated: Metric,
  windowMs: number = DEFAULT_WINDOW_MS,
): Metric[] => {
  assertWindowMs(windowMs);
  return sliceWindow(sortedByTimestamp(stationMetricsSortedAsc), evaluated, windowMs);
};

/**
 * True when `window` already is what `windowFor` would return: the evaluation hot path then uses it
 * as is, with no copy.
 */
export const isWindowOf = (window: readonly Metric[], evaluated: Metric, windowMs: number): boolean => {
  if (window[window.length - 1] !== evaluated) return false;
  const from = evaluated.timestamp - windowMs;
  let previous = from;
  for (let i = 0; i < window.length - 1; i++) {
    const metric = window[i] as Metric;
    const ts = metric.timestamp;
    if (
      ts <= from ||
      ts < previous ||
      ts >= evaluated.timestamp ||
      metric.stationId !== evaluated.stationId
    ) {
      return false;
    }
    previous = ts;
  }
  return true;
};

/** Any list of a station's metrics turned into the window of `evaluated`; a copy only when needed. */
export const normalizeWindow = (
  records: readonly Metric[],
  evaluated: Metric,
  windowMs: number,
): readonly Metric[] => {
  assertWindowMs(windowMs);
  if (isWindowOf(records, evaluated, windowMs)) return records;
  // Not cached like windowFor: a caller may refill the same array for each evaluation.
  const sorted = isAscendingByTimestamp(records) ? records : sortByTimestamp(records);
  return sliceWindow(sorted, evaluated, windowMs);
};
