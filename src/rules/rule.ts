import type { AlertCandidate } from '../domain/ports';
import type { AlertType, Metric, Severity } from '../domain/types';
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
export type RuleMetadata = {
  /** Only the thresholds the rule compared against. */
  thresholds: Record<string, number>;
  observed: Record<string, unknown>;
  /** Event times of the records that made the rule fire, ascending. */
  triggeringTimestamps: number[];
};

export interface CandidateText {
  title: string;
  description: string;
  recommendedAction: string;
}

export const candidate = (
  evaluated: Metric,
  alertType: AlertType,
  severity: Severity,
  text: CandidateText,
  metadata: RuleMetadata,
): AlertCandidate => ({
  stationId: evaluated.stationId,
  alertType,
  severity,
  title: text.title,
  description: text.description,
  recommendedAction: text.recommendedAction,
  triggeredAt: evaluated.timestamp,
  metadata,
});

export const timestampsOf = (records: readonly Metric[]): number[] =>
  records.map((record) => record.timestamp);
