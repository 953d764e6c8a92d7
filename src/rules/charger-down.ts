import type { Metric } from '../domain/types';
import { formatCount, formatNumber, formatRange, formatWindow } from './format';
import { candidate, type Rule, timestampsOf } from './rule';
import type { RuleThresholds } from './thresholds';

const chargerIsDown = (evaluated: Metric, thresholds: RuleThresholds) => {
  const station = evaluated.stationId;
  const stranded = evaluated.unchargedBatteries;
  return candidate(
    evaluated,
    'CHARGER_DOWN',
    'CRITICAL',
    {
      title: `Charger down at ${station}`,
      description: `${station} reports its charger down (uptime ${formatNumber(evaluated.chargerUptime)}%); ${formatCount(stranded, 'uncharged battery', 'uncharged batteries')} cannot be charged.`,
      recommendedAction:
        stranded > 0
          ? `Send a field technician to ${station} to restore the charger within the hour and move its ${formatCount(stranded, 'uncharged battery', 'uncharged batteries')} to a working station meanwhile.`
          : `Send a field technician to ${station} to restore the charger within the hour; until then it cannot recharge returned batteries.`,
    },
    {
      thresholds: { uptimePercent: thresholds.chargerDown.uptimePercent },
      observed: {
        chargerHealth: evaluated.chargerHealth,
        chargerUptime: evaluated.chargerUptime,
        unchargedBatteries: evaluated.unchargedBatteries,
        errorLogs: [...evaluated.errorLogs],
      },
      triggeringTimestamps: [evaluated.timestamp],
    },
  );
};

/**
 * CHARGER_DOWN: CRITICAL when the latest record says 'down'; MEDIUM when the charger stayed unhealthy
 * with uptime below the threshold in every record of the window. An earlier 'down' counts as
 * unhealthy for the MEDIUM case: a charger that went down and came back degraded has not recovered.
 */
export const chargerDownRule: Rule = (window, evaluated, thresholds) => {
  if (evaluated.chargerHealth === 'down') return chargerIsDown(evaluated, thresholds);
  const { uptimePercent, minRecords } = thresholds.chargerDown;
  if (evaluated.chargerHealth !== 'degraded' || window.length < minRecords) return undefined;
  let minUptime = Number.POSITIVE_INFINITY;
  let maxUptime = Number.NEGATIVE_INFINITY;
  for (const metric of window) {
    // Negated so a NaN uptime breaks the streak instead of extending it.
    if (metric.chargerHealth === 'healthy' || !(metric.chargerUptime < uptimePercent)) return undefined;
    if (metric.chargerUptime < minUptime) minUptime = metric.chargerUptime;
    if (metric.chargerUptime > maxUptime) maxUptime = metric.chargerUptime;
  }
  const station = evaluated.stationId;
  return candidate(
    evaluated,
    'CHARGER_DOWN',
    'MEDIUM',
    {
      title: `Charger degraded at ${station}`,
      description: `${station} charger has been degraded in all ${window.length} readings of the last ${formatWindow(thresholds.windowMs)} with uptime ${formatRange(minUptime, maxUptime, '%')} (threshold ${formatNumber(uptimePercent)}%).`,
      recommendedAction: `Schedule a charger inspection at ${station} within 24 hours and review its charger error logs before it fails completely.`,
    },
    {
      thresholds: { uptimePercent, minRecords },
      observed: {
        chargerHealth: evaluated.chargerHealth,
        chargerUptime: evaluated.chargerUptime,
        minChargerUptime: minUptime,
        maxChargerUptime: maxUptime,
        records: window.length,
        errorLogs: [...evaluated.errorLogs],
      },
      triggeringTimestamps: timestampsOf(window),
    },
  );
};
