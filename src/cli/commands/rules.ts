import { type Command, Option } from 'commander';
import type { RuledAlertType } from '../../domain/rule-metadata';
import { renderTable } from '../../local/present';
import { TUNABLE_RULES } from '../../rules/suggest';
import { type RuleStatsView, reportFailures, tokenOption } from '../api-client';
import { parsePeriod } from '../backtest/period';
import { thresholdsFrom, thresholdsText } from '../backtest/thresholds-input';
import { type CommonOptions, output, subcommand, targetOf } from '../common-options';
import { connectCommand } from '../connect';
import { readingProgress } from './backtest';

interface SuggestOptions extends CommonOptions {
  rule: string;
  current?: string;
  from?: string;
  to?: string;
}

const percent = (value: number | null): string => (value === null ? 'n/a' : `${(value * 100).toFixed(0)}%`);

/**
 * `ai-ops rules suggest --rule TYPE`: searches single-threshold moves of the rule, backtests each on the
 * stored history (read-only, the history read once) and prints the override that most improves the
 * rule's precision without missing an approved incident. Writes nothing; deploying it is a person's call.
 */
const suggestCommand = (): Command =>
  subcommand('suggest', "propose the threshold change that most improves a rule's precision (writes nothing)")
    .addOption(
      new Option('--rule <type>', 'the rule (alert type)').choices(TUNABLE_RULES).makeOptionMandatory(),
    )
    .addOption(
      new Option('--current <file|json>', "the current override (default: the stage's ruleThresholds)"),
    )
    .addOption(new Option('--from <iso>', 'start of the period (default: 30 days ago, the retention)'))
    .addOption(new Option('--to <iso>', 'end of the period (default: now)'))
    .action(
      reportFailures(async (_options: SuggestOptions, command: Command) => {
        const options = command.optsWithGlobals<SuggestOptions>();
        const rule = options.rule as RuledAlertType;
        const period = parsePeriod(options, Date.now());
        const target = targetOf(command);
        const [{ stageTables }, { suggestFor }] = await Promise.all([
          import('../backtest/tables'),
          import('../backtest/suggest-run'),
        ]);
        const tables = await stageTables(target);
        const currentText =
          options.current === undefined
            ? tables.currentOverride
            : thresholdsText(options.current, '--current');
        const flag =
          options.current === undefined ? `ruleThresholds of stage ${target.stage.value}` : '--current';
        thresholdsFrom(currentText, flag);
        const bar = await readingProgress(target.json);
        try {
          const result = await suggestFor({
            ...tables,
            period,
            rule,
            currentOverride:
              currentText.trim() === '' ? {} : (JSON.parse(currentText) as Record<string, unknown>),
            ...(bar ? { onProgress: bar.update } : {}),
          });
          bar?.stop();
          output(target, result, () =>
            result.suggestion
              ? [
                  `${rule}: move ${result.suggestion.move.section}.${result.suggestion.move.key} from ${result.suggestion.move.from} to ${result.suggestion.move.to}`,
                  `precision ${percent(result.suggestion.precisionBefore)} -> ${percent(result.suggestion.precisionAfter)}: ${result.suggestion.avoidedFalseAlarms} false alarm(s) avoided, no approved incident missed (${result.tried} changes backtested on ${result.readings} readings, ${result.readUnits} RCU)`,
                  '',
                  'The ruleThresholds override to deploy (nothing was changed):',
                  JSON.stringify(result.override, null, 2),
                ].join('\n')
              : `${rule}: no threshold change avoids a false alarm without missing an approved incident (${result.tried} changes backtested on ${result.readings} readings, ${result.readUnits} RCU)`,
          );
        } finally {
          bar?.stop();
          tables.client.destroy();
        }
      }),
    );

const duration = (ms: number | null): string => {
  if (ms === null) return '';
  const minutes = Math.round(ms / 60_000);
  return minutes < 90 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
};

/** One line per rule and severity, worst precision first (the API's order). */
export const renderRuleStats = (report: RuleStatsView): string =>
  report.rules.length === 0
    ? `no alerts opened from ${report.from} to ${report.to}`
    : renderTable(
        [
          'RULE',
          'SEVERITY',
          'PRECISION',
          'OPENED',
          'APPROVED',
          'REJECTED',
          'UNDECIDED',
          'TO DECIDE',
          'TO RECOVER',
        ],
        report.rules.map((rule) => [
          rule.alertType,
          rule.severity,
          percent(rule.precision),
          String(rule.opened),
          String(rule.approved),
          Object.entries(rule.rejected)
            .filter(([, n]) => n > 0)
            .map(([code, n]) => `${code} ${n}`)
            .join(', ') || '0',
          String(rule.resolvedUndecided),
          duration(rule.medianTimeToDecideMs),
          duration(rule.medianTimeToRecoverMs),
        ]),
      );

interface StatsOptions extends CommonOptions {
  from?: string;
  to?: string;
  token?: string;
}

/** `ai-ops rules stats`: GET /rules/stats of the API the command finds. */
const statsCommand = (): Command =>
  subcommand('stats', "each rule's precision and decisions, worst precision first")
    .addOption(tokenOption())
    .addOption(new Option('--from <iso>', 'start of the period (default: 30 days ago)'))
    .addOption(new Option('--to <iso>', 'end of the period (default: now)'))
    .action(
      reportFailures(async (_options: StatsOptions, command: Command) => {
        const options = command.optsWithGlobals<StatsOptions>();
        const report = await (await connectCommand(command)).ruleStats({
          ...(options.from ? { from: options.from } : {}),
          ...(options.to ? { to: options.to } : {}),
        });
        output(targetOf(command), report, () => renderRuleStats(report));
      }),
    );

/** `ai-ops rules ...`: what the operators' decisions say about each rule. */
export const rulesCommand = (): Command =>
  subcommand('rules', "rules seen through operators' decisions: stats, suggest")
    .addCommand(statsCommand())
    .addCommand(suggestCommand());
