import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RuledAlertType } from '../../domain/rule-metadata';
import { parseThresholdOverrides, RuleThresholdsError } from '../../rules';
import {
  candidateMoves,
  chooseSuggestion,
  type Judged,
  overrideWith,
  type Suggestion,
} from '../../rules/suggest';
import type { Period } from './period';
import { incidentsOfHistory, judge, readHistory } from './run';

export interface SuggestInput {
  client: DynamoDBClient;
  metricsTable: string;
  alertsTable: string;
  period: Period;
  rule: RuledAlertType;
  /** The stage's current override, parsed ({} for the defaults). */
  currentOverride: Record<string, unknown>;
  onProgress?: (read: number, total: number | undefined) => void;
}

export interface SuggestResult {
  rule: RuledAlertType;
  readings: number;
  readUnits: number;
  /** How many moves were backtested. */
  tried: number;
  suggestion?: Suggestion;
  /** The full override to deploy: the current one with the suggested move; absent without a suggestion. */
  override?: Record<string, unknown>;
}

/** Reads the history once, backtests every candidate move of the rule on it, and picks one. */
export const suggestFor = async (input: SuggestInput): Promise<SuggestResult> => {
  const current = parseThresholdOverrides(JSON.stringify(input.currentOverride));
  const history = await readHistory(input);
  const currentIncidents = incidentsOfHistory(history, current);
  const judged: Judged[] = [];
  for (const move of candidateMoves(input.rule, current)) {
    let candidate: ReturnType<typeof parseThresholdOverrides>;
    try {
      candidate = parseThresholdOverrides(JSON.stringify(overrideWith(input.currentOverride, move)));
    } catch (error) {
      // A move the schema refuses (e.g. surgeRecords past surgeLookback) is not a candidate.
      if (error instanceof RuleThresholdsError) continue;
      throw error;
    }
    const report = judge(history, input.period, currentIncidents, candidate);
    judged.push({ move, rows: report.rules.filter((row) => row.alertType === input.rule) });
  }
  const ofRule = history.decisions.filter((decision) => decision.alertType === input.rule);
  const suggestion = chooseSuggestion(judged, {
    approved: ofRule.filter((decision) => decision.verdict === 'APPROVED').length,
    falseAlarms: ofRule.filter((decision) => decision.verdict === 'FALSE_ALARM').length,
  });
  return {
    rule: input.rule,
    readings: history.readings,
    readUnits: history.readUnits,
    tried: judged.length,
    ...(suggestion ? { suggestion, override: overrideWith(input.currentOverride, suggestion.move) } : {}),
  };
};
