import type { AlertCandidate } from '../domain/ports';
import type { RuledAlertType, RuleMetadata } from '../domain/rule-metadata';
import type { Metric, Severity } from '../domain/types';
import type { RuleThresholds } from './thresholds';

/**
 * One alert rule. `window` is ascending by timestamp and ends with `evaluated` (see `windowFor`);
 * a rule returns at most one candidate, already at the highest severity that applies.
 */
export type Rule = (
  window: readonly Metric[],
  evaluated: Metric,
  thresholds: RuleThresholds,
) => AlertCandidate | undefined;

/** The metadata every candidate carries, so an operator can see why it fired without the raw metrics. */
export type { RuleMetadata } from '../domain/rule-metadata';

export interface CandidateText {
  title: string;
  description: string;
  recommendedAction: string;
}

export const candidate = <T extends RuledAlertType>(
  evaluated: Metric,
  alertType: T,
  severity: Severity,
  text: CandidateText,
  metadata: RuleMetadata<T>,
): AlertCandidate => ({
  stationId: evaluated.stationId,
  alertType,
  severity,
  title: text.title,
  description: text.description,
  recommendedAction: text.recommendedAction,
  triggeredAt: evaluated.timestamp,
  metadata: { ...metadata },
});

export const timestampsOf = (records: readonly Metric[]): number[] =>
  records.map((record) => record.timestamp);
