import type { Metric } from '../../src/domain/types';

export const STATION = 'STATION_007';
/** Event time of the evaluated record in most tests: 2025-01-01T12:00:00Z. */
export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
export const MINUTE = 60_000;

/** A healthy, well-stocked, quiet reading: each test changes only what its rule looks at. */
export const metric = (overrides: Partial<Metric> = {}): Metric => ({
  stationId: STATION,
  timestamp: T0,
  swapRate: 10,
  demandSurge: false,
  chargerUptime: 99,
  chargerHealth: 'healthy',
  chargedBatteries: 20,
  unchargedBatteries: 4,
  errorLogs: [],
  faultPatterns: [],
  ...overrides,
});

/**
 * `count` readings one `everyMs` apart, ascending, the last at `endAt`; `each(i)` customises reading i
 * (0 = oldest). The last one is the record to evaluate.
 */
export const readings = (
  count: number,
  each: (index: number) => Partial<Metric> = () => ({}),
  { everyMs = MINUTE, endAt = T0 }: { everyMs?: number; endAt?: number } = {},
): Metric[] =>
  Array.from({ length: count }, (_, index) =>
    metric({ timestamp: endAt - (count - 1 - index) * everyMs, ...each(index) }),
  );

/** The last element, typed as present (the tests build non-empty windows). */
export const latestOf = (window: readonly Metric[]): Metric => {
  const latest = window[window.length - 1];
  if (latest === undefined) throw new Error('empty window');
  return latest;
};
