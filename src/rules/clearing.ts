import type { RuledAlertType } from '../domain/rule-metadata';
import type { Metric } from '../domain/types';
import type { RuleThresholds } from './thresholds';
import { firstIndexAtOrAfter } from './window';

/** An incident clears over at least this many readings that do not meet its rule. */
export const CLEARING_MIN_READINGS = 2;

const SECTION = {
  LOW_INVENTORY: 'lowInventory',
  CHARGER_DOWN: 'chargerDown',
  HIGH_DEMAND: 'highDemand',
  FAULT_PATTERN: 'faultPattern',
} as const satisfies Record<RuledAlertType, keyof RuleThresholds>;

export const CLEARABLE_TYPES = Object.keys(SECTION) as RuledAlertType[];

/** How long the readings of `alertType` must not meet its rule before its incident ends (a window by default). */
export const clearingPeriodMs = (alertType: RuledAlertType, thresholds: RuleThresholds): number =>
  thresholds[SECTION[alertType]].clearingPeriodMs ?? thresholds.windowMs;

/**
 * How far back of a batch's oldest reading the evaluator must know a station's readings to decide both
 * its rules and its clearings: a clearing looks at the readings of one clearing period before the
 * previous reading, each judged on its own window; one more period lets a gap in the readings be seen.
 */
export const historyLookbackMs = (thresholds: RuleThresholds): number =>
  thresholds.windowMs + 2 * Math.max(...CLEARABLE_TYPES.map((type) => clearingPeriodMs(type, thresholds)));

/** Which alert types a reading meets; the evaluator memoises it per reading. */
export type FiringTypes = (reading: Metric) => ReadonlySet<string>;

/**
 * The alert types whose incident clears exactly at `evaluated` (event time, so a replay finds the same
 * edges): the newest reading f that met the rule is at least a clearing period older, at least
 * CLEARING_MIN_READINGS readings after f (`evaluated` included) do not meet it, and the reading before
 * `evaluated` did not yet satisfy both. Cheap on a steady stream: only the readings that can be f (those
 * that left the clearing period between the previous reading and this one) are judged first, so a
 * quiet station costs one more evaluation per reading and a firing one stops at its newest reading.
 *
 * `history` is the station's readings ascending, `evaluated` among them. An f older than `history` is not
 * seen: such an incident ends when it fires and clears again, or by hand.
 */
export const clearedTypes = (
  history: readonly Metric[],
  evaluated: Metric,
  fires: FiringTypes,
  thresholds: RuleThresholds,
): RuledAlertType[] => {
  const at = firstIndexAtOrAfter(history, evaluated.timestamp);
  // The station's copy of the reading may be another object (read vs streamed): its timestamp is its key.
  if (history[at]?.timestamp !== evaluated.timestamp || at < 1) return [];
  const previous = history[at - 1] as Metric;
  const firingNow = fires(evaluated);
  const cleared: RuledAlertType[] = [];
  for (const alertType of CLEARABLE_TYPES) {
    if (firingNow.has(alertType)) continue;
    const period = clearingPeriodMs(alertType, thresholds);
    const edge = evaluated.timestamp - period;
    // f must be at or before `edge`, and after `previous.timestamp - period` or one of the two readings
    // before this one; newest first, so the first that fires is the newest that can be f.
    let f = -1;
    for (let i = at - 1; i >= 0; i--) {
      const candidate = history[i] as Metric;
      if (candidate.timestamp <= previous.timestamp - period && i < at - 2) break;
      if (candidate.timestamp > edge) continue;
      if (fires(candidate).has(alertType)) {
        f = i;
        break;
      }
    }
    if (f < 0 || at - f < CLEARING_MIN_READINGS) continue;
    // Nothing after f meets the rule (newest first: a station still firing stops at once).
    let quiet = true;
    for (let i = at - 1; i > f; i--) {
      if (fires(history[i] as Metric).has(alertType)) {
        quiet = false;
        break;
      }
    }
    if (!quiet) continue;
    const fAt = (history[f] as Metric).timestamp;
    const heldBefore = previous.timestamp - fAt >= period && at - 1 - f >= CLEARING_MIN_READINGS;
    if (!heldBefore) cleared.push(alertType);
  }
  return cleared;
};
