import type { Metric } from '../domain/types';
import { formatCount, formatNumber, formatWindow } from './format';
import { candidate, type Rule, timestampsOf } from './rule';

/** Index loops below: this rule runs for every record, and slicing the last n records would allocate. */
const surgesAmong = (window: readonly Metric[], from: number): number => {
  let surges = 0;
  for (let i = from; i < window.length; i++) if ((window[i] as Metric).demandSurge) surges++;
  return surges;
};

const surgeTimestamps = (window: readonly Metric[], from: number): number[] => {
  const timestamps: number[] = [];
  for (let i = from; i < window.length; i++) {
    const metric = window[i] as Metric;
    if (metric.demandSurge) timestamps.push(metric.timestamp);
  }
  return timestamps;
};

/** The lowest swap rate of the window when every record reaches `limit`, else undefined. */
const sustainedMinimumRate = (window: readonly Metric[], limit: number): number | undefined => {
  let minimum = Number.POSITIVE_INFINITY;
  for (const metric of window) {
    if (!(metric.swapRate >= limit)) return undefined;
    if (metric.swapRate < minimum) minimum = metric.swapRate;
  }
  return minimum;
};

/**
 * HIGH_DEMAND: surges in m of the last n records, or a swap rate at or above the threshold in every
 * record of the window (at least minRecords of them). MEDIUM, raised to HIGH when the station is also
 * at or below the LOW_INVENTORY count: demand the stock cannot serve is the urgent case.
 */
export const highDemandRule: Rule = (window, evaluated, thresholds) => {
  const { surgeRecords, surgeLookback, swapRatePerHour, minRecords } = thresholds.highDemand;
  const lookbackStart = Math.max(0, window.length - surgeLookback);
  const surges = surgesAmong(window, lookbackStart);
  const surging = surges >= surgeRecords;
  const minimumRate = window.length >= minRecords ? sustainedMinimumRate(window, swapRatePerHour) : undefined;
  const sustained = minimumRate !== undefined;
  if (!surging && !sustained) return undefined;

  const station = evaluated.stationId;
  const stockLimit = thresholds.lowInventory.chargedBatteries;
  const charged = evaluated.chargedBatteries;
  const lowStock = charged <= stockLimit;
  const looked = window.length - lookbackStart;
  const signals: string[] = [];
  if (surging) {
    signals.push(
      `a demand surge in ${surges} of its last ${formatCount(looked, 'reading')} (threshold ${surgeRecords} of ${surgeLookback})`,
    );
  }
  if (sustained) {
    signals.push(
      `swap rates of at least ${formatNumber(minimumRate)}/h in all ${formatCount(window.length, 'reading')} of the last ${formatWindow(thresholds.windowMs)} (threshold ${formatNumber(swapRatePerHour)}/h)`,
    );
  }
  const stock = lowStock
    ? `, with only ${formatCount(charged, 'charged battery', 'charged batteries')} left (threshold ${formatNumber(stockLimit)})`
    : '';
  return candidate(
    evaluated,
    'HIGH_DEMAND',
    lowStock ? 'HIGH' : 'MEDIUM',
    {
      title: lowStock ? `High demand and low stock at ${station}` : `High demand at ${station}`,
      description: `${station} shows ${signals.join(' and ')}${stock}.`,
      recommendedAction: lowStock
        ? `Dispatch charged batteries to ${station} within 30 minutes and steer riders to nearby stations: demand is high and only ${formatCount(charged, 'charged battery', 'charged batteries')} remain.`
        : `Pre-position enough charged batteries at ${station} to cover about ${formatCount(Math.ceil(evaluated.swapRate), 'swap')} in the next hour and keep all of its chargers running.`,
    },
    {
      thresholds: {
        surgeRecords,
        surgeLookback,
        swapRatePerHour,
        minRecords,
        lowInventoryChargedBatteries: stockLimit,
      },
      observed: {
        surges,
        surgeRecordsConsidered: looked,
        minimumSwapRate: minimumRate ?? null,
        swapRate: evaluated.swapRate,
        chargedBatteries: charged,
        signals: [...(surging ? ['demandSurge'] : []), ...(sustained ? ['sustainedSwapRate'] : [])],
      },
      // Sustained rate implicates every record, which already includes the surging ones.
      triggeringTimestamps: sustained ? timestampsOf(window) : surgeTimestamps(window, lookbackStart),
    },
  );
};
