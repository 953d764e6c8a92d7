import type { AlertCandidate } from '../domain/ports';
import type { Metric } from '../domain/types';
import { chargerDownRule } from './charger-down';
import { faultPatternRule } from './fault-pattern';
import { highDemandRule } from './high-demand';
import { lowInventoryRule } from './low-inventory';
import type { Rule } from './rule';
import { DEFAULT_THRESHOLDS, type RuleThresholds } from './thresholds';
import { normalizeWindow } from './window';

/** Fixed order, so the candidates of one record always come out the same way. */
export const RULES: readonly Rule[] = [lowInventoryRule, chargerDownRule, highDemandRule, faultPatternRule];

/**
 * Every alert candidate for `evaluated`, at most one per alert type. `window` is best what `windowFor`
 * returns (used as is); any other list of the station's metrics is trimmed to the window
 * (evaluatedTs - windowMs, evaluatedTs], sorted, and gets `evaluated` as its latest record.
 */
export const evaluateWindow = (
  window: readonly Metric[],
  evaluated: Metric,
  thresholds: RuleThresholds = DEFAULT_THRESHOLDS,
): AlertCandidate[] => {
  const records = normalizeWindow(window, evaluated, thresholds.windowMs);
  const candidates: AlertCandidate[] = [];
  for (const rule of RULES) {
    const found = rule(records, evaluated, thresholds);
    if (found !== undefined) candidates.push(found);
  }
  return candidates;
};
