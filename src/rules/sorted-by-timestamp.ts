import type { Metric } from '../domain/types';

interface SortedView {
  length: number;
  first: Metric | undefined;
  last: Metric | undefined;
  sorted: readonly Metric[];
}

/**
 * Sortedness is checked once per list, not once per `windowFor` call: a caller fetches a station's
 * metrics once and selects a window for every record of the batch, and an O(n) check on each of
 * those calls would undo the binary search. Weak keys let the lists be collected with the batch.
 */
const views = new WeakMap<readonly Metric[], SortedView>();

export const isAscendingByTimestamp = (metrics: readonly Metric[]): boolean => {
  let previous = Number.NEGATIVE_INFINITY;
  for (const metric of metrics) {
    if (metric.timestamp < previous) return false;
    previous = metric.timestamp;
  }
  return true;
};

/** A stable sort keeps records of equal timestamps in the caller's order. */
export const sortByTimestamp = (metrics: readonly Metric[]): Metric[] =>
  [...metrics].sort((a, b) => a.timestamp - b.timestamp);

/**
 * `metrics` itself when it is already ascending, else a sorted copy, remembered per list. The list is
 * `readonly`; the length and end-record checks catch the common ways a caller could still reuse one.
 */
export const sortedByTimestamp = (metrics: readonly Metric[]): readonly Metric[] => {
  const first = metrics[0];
  const last = metrics[metrics.length - 1];
  const view = views.get(metrics);
  if (view !== undefined && view.length === metrics.length && view.first === first && view.last === last) {
    return view.sorted;
  }
  const sorted = isAscendingByTimestamp(metrics) ? metrics : sortByTimestamp(metrics);
  views.set(metrics, { length: metrics.length, first, last, sorted });
  return sorted;
};
