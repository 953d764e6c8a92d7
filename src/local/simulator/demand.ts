/** Normal swap-rate band of a station (swaps/hour); incidents go outside it on purpose. */
export const MIN_SWAP_RATE = 4;
export const MAX_SWAP_RATE = 25;

const HOUR_MS = 3_600_000;

const bump = (hour: number, peak: number, width: number): number => Math.exp(-(((hour - peak) / width) ** 2));

/**
 * Share of the busiest hour's demand at `now` (0..1), UTC: a morning commute peak around 08:30, a
 * longer evening one around 18:00 and a quiet night, which is how riders use swap stations.
 */
export const dailyDemand = (now: number): number => {
  const hour = (((now / HOUR_MS) % 24) + 24) % 24;
  return Math.min(1, 0.1 + 0.9 * Math.max(bump(hour, 8.5, 1.6), bump(hour, 18, 2.2)));
};

/**
 * The swap rate a station reports at `now`: the daily pattern scaled by how busy the station is
 * (`busyness` ~0.75..1.15), plus `noise`, kept in the normal band and rounded like a real counter.
 */
export const normalSwapRate = (now: number, busyness: number, noise: number): number => {
  const raw = MIN_SWAP_RATE + (MAX_SWAP_RATE - MIN_SWAP_RATE) * dailyDemand(now) * busyness + noise;
  return Math.round(Math.min(MAX_SWAP_RATE, Math.max(MIN_SWAP_RATE, raw)) * 10) / 10;
};
