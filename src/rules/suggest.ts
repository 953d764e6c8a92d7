import type { RuledAlertType } from '../domain/rule-metadata';
import type { RuleChange } from './backtest';
import type { RuleThresholds } from './thresholds';

/**
 * `ai-ops rules suggest`: which single threshold of a rule to move, and where, so that fewer of its
 * alerts are false alarms without missing a problem an operator approved. Pure: it proposes candidate
 * thresholds and picks among their backtests; the CLI reads the history and runs them. It never applies.
 */

const SECTION = {
  LOW_INVENTORY: 'lowInventory',
  CHARGER_DOWN: 'chargerDown',
  HIGH_DEMAND: 'highDemand',
  FAULT_PATTERN: 'faultPattern',
} as const satisfies Record<RuledAlertType, keyof RuleThresholds>;

type Section = (typeof SECTION)[RuledAlertType];

/** The rules a suggestion can tune: those with thresholds (STATION_OFFLINE has a period, offlineAfter). */
export const TUNABLE_RULES = Object.keys(SECTION) as RuledAlertType[];

/** The keys a suggestion may move, and whether they count records (whole numbers, at least 1). */
const KEYS: Record<Section, Record<string, 'count' | 'amount' | 'percent'>> = {
  lowInventory: { chargedBatteries: 'amount', depletionHours: 'amount' },
  chargerDown: { uptimePercent: 'percent', minRecords: 'count' },
  highDemand: {
    surgeRecords: 'count',
    surgeLookback: 'count',
    swapRatePerHour: 'amount',
    minRecords: 'count',
  },
  faultPattern: { highRecords: 'count', criticalRecords: 'count' },
};

const FACTORS = [0.5, 0.6, 0.7, 0.8, 0.9, 1.1, 1.2, 1.3, 1.5, 2];

/** One threshold moved, as the override section it takes to deploy it. */
export interface ThresholdMove {
  alertType: RuledAlertType;
  section: Section;
  key: string;
  from: number;
  to: number;
}

const valuesAround = (current: number, kind: 'count' | 'amount' | 'percent'): number[] => {
  const values =
    kind === 'count'
      ? [-3, -2, -1, 1, 2, 3].map((step) => current + step).filter((v) => v >= 1)
      : FACTORS.map((factor) => Number((current * factor).toPrecision(3))).filter(
          (v) => v >= 0 && (kind !== 'percent' || v <= 100),
        );
  return [...new Set(values)].filter((v) => v !== current);
};

/** Every single-key move of the rule's thresholds the search tries, nearest first. */
export const candidateMoves = (alertType: RuledAlertType, thresholds: RuleThresholds): ThresholdMove[] => {
  const section = SECTION[alertType];
  const current = thresholds[section] as unknown as Record<string, number>;
  return Object.entries(KEYS[section]).flatMap(([key, kind]) =>
    valuesAround(current[key] as number, kind)
      .sort((a, b) => Math.abs(a - (current[key] as number)) - Math.abs(b - (current[key] as number)))
      .map((to) => ({ alertType, section, key, from: current[key] as number, to })),
  );
};

/** The thresholds with one move applied (the caller validates them with the override schema). */
export const overrideWith = (
  override: Record<string, unknown>,
  move: ThresholdMove,
): Record<string, unknown> => {
  const section = (override[move.section] ?? {}) as Record<string, unknown>;
  return { ...override, [move.section]: { ...section, [move.key]: move.to } };
};

/** approved / (approved + FALSE_ALARM); null with neither. */
export const precisionOf = (approved: number, falseAlarms: number): number | null =>
  approved + falseAlarms === 0 ? null : approved / (approved + falseAlarms);

export interface Judged {
  move: ThresholdMove;
  /** The backtest's rows of the rule. */
  rows: RuleChange[];
}

export interface Suggestion extends Judged {
  precisionBefore: number | null;
  precisionAfter: number | null;
  avoidedFalseAlarms: number;
}

/**
 * The move that avoids the most FALSE_ALARM incidents of the rule while missing no approved one; on a
 * tie the one that removes fewest incidents, then the smallest move (candidates come nearest first).
 * Undefined when no move avoids a false alarm without missing an approved incident.
 */
export const chooseSuggestion = (
  judged: readonly Judged[],
  decided: { approved: number; falseAlarms: number },
): Suggestion | undefined => {
  let best: Suggestion | undefined;
  let bestRemoved = 0;
  for (const { move, rows } of judged) {
    const sum = (pick: (row: RuleChange) => number) => rows.reduce((total, row) => total + pick(row), 0);
    if (sum((row) => row.missedApproved) > 0) continue;
    const avoided = sum((row) => row.avoidedFalseAlarms);
    if (avoided === 0) continue;
    const removed = sum((row) => row.removed);
    if (
      best &&
      (avoided < best.avoidedFalseAlarms || (avoided === best.avoidedFalseAlarms && removed >= bestRemoved))
    )
      continue;
    best = {
      move,
      rows,
      avoidedFalseAlarms: avoided,
      precisionBefore: precisionOf(decided.approved, decided.falseAlarms),
      precisionAfter: precisionOf(decided.approved, decided.falseAlarms - avoided),
    };
    bestRemoved = removed;
  }
  return best;
};
