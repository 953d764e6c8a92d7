import { readFileSync } from 'node:fs';
import { parseThresholdOverrides, type RuleThresholds, RuleThresholdsError } from '../../rules';
import { CliError } from '../errors';

/** The override as given: inline JSON (it starts with `{`) or the path of a file holding it. */
export const thresholdsText = (value: string, flag: string): string => {
  if (value.trim().startsWith('{')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (error) {
    throw new CliError(
      'USAGE',
      `${flag} ${value}: neither JSON nor a readable file (${(error as Error).message})`,
    );
  }
};

/**
 * Thresholds from an override in the stage parameter's own schema (so a file that backtests deploys as
 * is): a bad one is a usage error (exit 2) with the schema's message, which names the key.
 */
export const thresholdsFrom = (text: string, flag: string): RuleThresholds => {
  try {
    return parseThresholdOverrides(text);
  } catch (error) {
    if (error instanceof RuleThresholdsError) throw new CliError('USAGE', `${flag}: ${error.message}`);
    throw error;
  }
};
