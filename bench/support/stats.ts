/** Small statistics for the benchmark reports. */

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when there are none. */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
};

export const mean = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;

export interface Distribution {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export const distribution = (values: readonly number[]): Distribution => ({
  count: values.length,
  p50: percentile(values, 50),
  p90: percentile(values, 90),
  p99: percentile(values, 99),
  max: values.length === 0 ? Number.NaN : Math.max(...values),
  mean: mean(values),
});

/** Rounded for the report: whole numbers by default; NaN (no data) becomes null in JSON. */
export const round = (value: number, digits = 0): number | null => {
  if (!Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

export const roundDistribution = (d: Distribution, digits = 0) => ({
  count: d.count,
  p50: round(d.p50, digits),
  p90: round(d.p90, digits),
  p99: round(d.p99, digits),
  max: round(d.max, digits),
  mean: round(d.mean, digits),
});

/** "123 ms" or "n/a". */
export const ms = (value: number | null): string =>
  value === null || !Number.isFinite(value) ? 'n/a' : `${Math.round(value)} ms`;
