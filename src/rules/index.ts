export { chargerDownRule } from './charger-down';
export {
  CLEARABLE_TYPES,
  CLEARING_MIN_READINGS,
  clearedTypes,
  clearingPeriodMs,
  type FiringTypes,
  historyLookbackMs,
} from './clearing';
export { evaluateWindow, RULES } from './evaluate-window';
export { faultPatternRule } from './fault-pattern';
export { highDemandRule } from './high-demand';
export { hoursOfStockLeft, lowInventoryRule } from './low-inventory';
export type { Rule, RuleMetadata } from './rule';
export {
  type ChargerDownThresholds,
  DEFAULT_THRESHOLDS,
  type FaultPatternThresholds,
  type HighDemandThresholds,
  type LowInventoryThresholds,
  parseThresholdOverrides,
  type RuleThresholds,
  RuleThresholdsError,
} from './thresholds';
export { DEFAULT_WINDOW_MS, firstIndexAtOrAfter, windowFor } from './window';
