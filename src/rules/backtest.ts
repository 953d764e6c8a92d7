import { ALERT_TYPES, type AlertType, SEVERITIES, type Severity } from '../domain/alert-vocabulary';
import type { PastDecision } from '../domain/past-decision';
import type { Metric } from '../domain/types';

export type { PastDecision } from '../domain/past-decision';

import { higherSeverity } from '../domain/types';
import { clearedTypes } from './clearing';
import { evaluateWindow } from './evaluate-window';
import type { RuleThresholds } from './thresholds';
import { windowFor } from './window';

/**
 * Backtesting a threshold change (docs/rules.md, "Backtest"): the stored readings are re-evaluated with
 * two sets of thresholds exactly as the evaluator does on the stream (each reading on the window that
 * ends at it, incidents opening on a trigger and ending when the condition clears, all in event time),
 * and the incidents of the two runs are paired. Pure: the CLI reads, this judges.
 */

/** One incident a run of the rules would have opened: what one alert would have been. */
export interface Incident {
  stationId: string;
  alertType: AlertType;
  /** The highest severity it reached (an alert's severity only rises while its incident lasts). */
  severity: Severity;
  /** Event time of the reading that opened it. */
  openedAt: number;
  /** Event time of the reading that cleared it; absent while still open at the last reading. */
  endedAt?: number;
}

/**
 * The incidents the rules open over one station's readings (ascending by timestamp, as a Query returns
 * them): the evaluator's loop without the store. Readings before the first one are not seen, so an
 * incident open when the period starts opens at its first reading that meets the rule.
 */
export const incidentsOf = (readings: readonly Metric[], thresholds: RuleThresholds): Incident[] => {
  const firing = new Map<Metric, ReadonlySet<string>>();
  const candidatesOf = (reading: Metric) =>
    evaluateWindow(windowFor(readings, reading, thresholds.windowMs), reading, thresholds);
  const fires = (reading: Metric): ReadonlySet<string> => {
    let types = firing.get(reading);
    if (!types) {
      types = new Set(candidatesOf(reading).map((candidate) => candidate.alertType));
      firing.set(reading, types);
    }
    return types;
  };
  const open = new Map<AlertType, Incident>();
  const incidents: Incident[] = [];
  for (const reading of readings) {
    const found = candidatesOf(reading);
    firing.set(reading, new Set(found.map((candidate) => candidate.alertType)));
    for (const candidate of found) {
      const incident = open.get(candidate.alertType);
      if (incident) incident.severity = higherSeverity(incident.severity, candidate.severity);
      else {
        const opened: Incident = {
          stationId: reading.stationId,
          alertType: candidate.alertType,
          severity: candidate.severity,
          openedAt: reading.timestamp,
        };
        open.set(candidate.alertType, opened);
        incidents.push(opened);
      }
    }
    for (const alertType of clearedTypes(readings, reading, fires, thresholds)) {
      const incident = open.get(alertType);
      if (!incident) continue;
      incident.endedAt = reading.timestamp;
      open.delete(alertType);
    }
  }
  return incidents;
};

/** What a threshold change does to one rule at one severity; counts of incidents. */
export interface RuleChange {
  alertType: AlertType;
  severity: Severity;
  /** Incidents the current thresholds open. */
  current: number;
  /** Incidents the candidate thresholds open. */
  candidate: number;
  /** Current incidents the candidate does not open at all. */
  removed: number;
  /** Candidate incidents the current thresholds do not open. */
  added: number;
  /** Incidents both open, the candidate earlier / later (time to detect). */
  earlier: number;
  later: number;
  /** Median of (candidate openedAt - current openedAt) over the incidents both open, ms; null if none. */
  medianShiftMs: number | null;
  /** Approved alerts no candidate incident covers: real problems the change would not have reported. */
  missedApproved: number;
  /** Alerts rejected as FALSE_ALARM that no candidate incident covers. */
  avoidedFalseAlarms: number;
  missedApprovedAlertIds: string[];
  avoidedFalseAlarmAlertIds: string[];
}

const keyOf = (stationId: string, alertType: AlertType): string => `${stationId}\u0000${alertType}`;

const groupByStationAndType = <T extends { stationId: string; alertType: AlertType }>(
  items: readonly T[],
): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item.stationId, item.alertType);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
};

const overlaps = (from: number, to: number, incident: Incident, periodEnd: number): boolean =>
  incident.openedAt <= to && (incident.endedAt ?? periodEnd) >= from;

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * Pairs the incidents of the two runs and weighs the change against past decisions. Per station and
 * rule, in time order, a current incident is paired with the first candidate incident not yet paired
 * that overlaps it (an incident lasts from its opening reading to the reading that cleared it, or to
 * `periodEnd`); what stays unpaired was removed or added. A past decision is covered when a candidate
 * incident of its station and rule overlaps its alert's incident. Rows come in the vocabulary's order
 * (rule, then severity), only those with something to say.
 */
export const compareIncidents = (
  current: readonly Incident[],
  candidate: readonly Incident[],
  decisions: readonly PastDecision[],
  periodEnd: number,
): RuleChange[] => {
  const rows = new Map<string, RuleChange & { shifts: number[] }>();
  const rowOf = (alertType: AlertType, severity: Severity) => {
    const key = `${alertType}\u0000${severity}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        alertType,
        severity,
        current: 0,
        candidate: 0,
        removed: 0,
        added: 0,
        earlier: 0,
        later: 0,
        medianShiftMs: null,
        missedApproved: 0,
        avoidedFalseAlarms: 0,
        missedApprovedAlertIds: [],
        avoidedFalseAlarmAlertIds: [],
        shifts: [],
      };
      rows.set(key, row);
    }
    return row;
  };

  for (const incident of current) rowOf(incident.alertType, incident.severity).current += 1;
  for (const incident of candidate) rowOf(incident.alertType, incident.severity).candidate += 1;

  const candidateGroups = groupByStationAndType(candidate);
  const unvisited = new Map(candidateGroups);
  for (const [key, currents] of groupByStationAndType(current)) {
    const theirs = [...(candidateGroups.get(key) ?? [])].sort((a, b) => a.openedAt - b.openedAt);
    const paired = new Set<Incident>();
    for (const incident of [...currents].sort((a, b) => a.openedAt - b.openedAt)) {
      const end = incident.endedAt ?? periodEnd;
      const match = theirs.find(
        (other) => !paired.has(other) && overlaps(incident.openedAt, end, other, periodEnd),
      );
      const row = rowOf(incident.alertType, incident.severity);
      if (!match) {
        row.removed += 1;
        continue;
      }
      paired.add(match);
      const shift = match.openedAt - incident.openedAt;
      row.shifts.push(shift);
      if (shift < 0) row.earlier += 1;
      else if (shift > 0) row.later += 1;
    }
    for (const other of theirs) if (!paired.has(other)) rowOf(other.alertType, other.severity).added += 1;
    unvisited.delete(key);
  }
  for (const others of unvisited.values())
    for (const other of others) rowOf(other.alertType, other.severity).added += 1;

  for (const decision of decisions) {
    const theirs = candidateGroups.get(keyOf(decision.stationId, decision.alertType)) ?? [];
    const end = decision.resolvedAt ?? periodEnd;
    const covered = theirs.some((incident) => overlaps(decision.createdAt, end, incident, periodEnd));
    if (covered) continue;
    const row = rowOf(decision.alertType, decision.severity);
    if (decision.verdict === 'APPROVED') {
      row.missedApproved += 1;
      row.missedApprovedAlertIds.push(decision.alertId);
    } else {
      row.avoidedFalseAlarms += 1;
      row.avoidedFalseAlarmAlertIds.push(decision.alertId);
    }
  }

  const order = (row: RuleChange) =>
    ALERT_TYPES.indexOf(row.alertType) * SEVERITIES.length + SEVERITIES.indexOf(row.severity);
  return [...rows.values()]
    .sort((a, b) => order(a) - order(b))
    .map(({ shifts, ...row }) => ({ ...row, medianShiftMs: median(shifts) }));
};
