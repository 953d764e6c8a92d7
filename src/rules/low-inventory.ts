import type { Metric, Severity } from '../domain/types';
import { formatCount, formatDuration, formatNumber } from './format';
import { type CandidateText, candidate, type Rule } from './rule';
import type { LowInventoryThresholds } from './thresholds';

/** Hours until the charged stock runs out at the current swap rate; undefined when nothing is draining it. */
export const hoursOfStockLeft = (metric: Metric): number | undefined =>
  metric.swapRate > 0 ? Math.max(0, metric.chargedBatteries) / metric.swapRate : undefined;

const severityOf = (
  charged: number,
  hoursLeft: number | undefined,
  thresholds: LowInventoryThresholds,
): Severity | undefined => {
  if (charged <= 0) return 'CRITICAL';
  // A busy station can run dry within the hour even above the count threshold, hence no count check here.
  if (hoursLeft !== undefined && hoursLeft < thresholds.depletionHours) return 'HIGH';
  if (charged <= thresholds.chargedBatteries) return 'MEDIUM';
  return undefined;
};

/** Rounded down: the run must arrive before the last charged battery is gone, not just after. */
const minutesToAct = (hoursLeft: number): string => {
  const minutes = Math.floor(hoursLeft * 60);
  return minutes < 1 ? 'immediately' : `within ${formatCount(minutes, 'minute')}`;
};

const textOf = (
  metric: Metric,
  severity: Severity,
  hoursLeft: number | undefined,
  thresholds: LowInventoryThresholds,
): CandidateText => {
  const station = metric.stationId;
  const rate = formatNumber(metric.swapRate);
  if (severity === 'CRITICAL') {
    return {
      title: `${station} is out of charged batteries`,
      description: `${station} has no charged batteries left (threshold ${formatNumber(thresholds.chargedBatteries)}) at a swap rate of ${rate}/h; ${formatCount(metric.unchargedBatteries, 'battery', 'batteries')} still charging.`,
      recommendedAction: `Dispatch an emergency battery delivery to ${station} now and redirect arriving riders to the nearest stocked station.`,
    };
  }
  const stock = `${station} has ${formatCount(metric.chargedBatteries, 'charged battery', 'charged batteries')} (threshold ${formatNumber(thresholds.chargedBatteries)})`;
  if (hoursLeft === undefined) {
    return {
      title: `Low battery inventory at ${station}`,
      description: `${stock} and no swaps under way (swap rate ${rate}/h).`,
      recommendedAction: `Schedule a battery top-up for ${station} today to bring its stock above ${formatCount(thresholds.chargedBatteries, 'charged battery', 'charged batteries')}.`,
    };
  }
  if (severity === 'HIGH') {
    return {
      title: `Charged batteries running out at ${station}`,
      description: `${stock} at a swap rate of ${rate}/h: ${formatDuration(hoursLeft)} of stock left (threshold ${formatNumber(thresholds.depletionHours)} h).`,
      recommendedAction: `Dispatch a battery rebalancing run to ${station} from the nearest stocked station ${minutesToAct(hoursLeft)}.`,
    };
  }
  return {
    title: `Low battery inventory at ${station}`,
    description: `${stock} at a swap rate of ${rate}/h: ${formatDuration(hoursLeft)} of stock left.`,
    recommendedAction: `Schedule a battery rebalancing run to ${station} within the next hour to bring its stock above ${formatCount(thresholds.chargedBatteries, 'charged battery', 'charged batteries')}.`,
  };
};

/** LOW_INVENTORY looks at the evaluated (latest) record only: stock is a level, not a trend. */
export const lowInventoryRule: Rule = (_window, evaluated, thresholds) => {
  const limits = thresholds.lowInventory;
  const hoursLeft = hoursOfStockLeft(evaluated);
  const severity = severityOf(evaluated.chargedBatteries, hoursLeft, limits);
  if (severity === undefined) return undefined;
  return candidate(evaluated, 'LOW_INVENTORY', severity, textOf(evaluated, severity, hoursLeft, limits), {
    thresholds: { chargedBatteries: limits.chargedBatteries, depletionHours: limits.depletionHours },
    observed: {
      chargedBatteries: evaluated.chargedBatteries,
      unchargedBatteries: evaluated.unchargedBatteries,
      swapRate: evaluated.swapRate,
      hoursOfStockLeft: hoursLeft ?? null,
    },
    triggeringTimestamps: [evaluated.timestamp],
  });
};
