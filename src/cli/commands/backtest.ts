import { type Command, Option } from 'commander';
import { localTime, renderTable } from '../../local/present';
import type { RuleChange } from '../../rules/backtest';
import { reportFailures } from '../api-client';
import { parsePeriod } from '../backtest/period';
import type { BacktestReport } from '../backtest/run';
import { thresholdsFrom, thresholdsText } from '../backtest/thresholds-input';
import { type CommonOptions, output, subcommand, targetOf } from '../common-options';

interface BacktestOptions extends CommonOptions {
  thresholds: string;
  current?: string;
  from?: string;
  to?: string;
  station?: string[];
}

const minutes = (ms: number | null): string =>
  ms === null ? '' : `${ms < 0 ? '-' : '+'}${Math.round(Math.abs(ms) / 60_000)} min`;

/** One line per rule and severity, then what was read and what it cost. */
export const renderBacktest = (report: BacktestReport): string => {
  const header = [
    'RULE',
    'SEVERITY',
    'CURRENT',
    'CANDIDATE',
    'REMOVED',
    'ADDED',
    'EARLIER',
    'LATER',
    'SHIFT',
    'MISSED APPROVED',
    'AVOIDED FALSE ALARMS',
  ];
  const row = (r: RuleChange) => [
    r.alertType,
    r.severity,
    String(r.current),
    String(r.candidate),
    String(r.removed),
    String(r.added),
    String(r.earlier),
    String(r.later),
    minutes(r.medianShiftMs),
    r.missedApproved === 0 ? '0' : `${r.missedApproved} (${r.missedApprovedAlertIds.join(', ')})`,
    String(r.avoidedFalseAlarms),
  ];
  const table =
    report.rules.length === 0
      ? 'no incidents with either thresholds'
      : renderTable(header, report.rules.map(row));
  const missed = report.rules.reduce((sum, r) => sum + r.missedApproved, 0);
  return [
    table,
    '',
    `${report.readings} readings of ${report.stations} stations, ${localTime(Date.parse(report.from))} to ${localTime(Date.parse(report.to))}`,
    `read capacity consumed: ${report.readUnits} RCU (nothing written)`,
    ...(missed > 0 ? [`warning: the candidate would have missed ${missed} approved incident(s)`] : []),
  ].join('\n');
};

/** A bar only for a person watching: never into a pipe or a file, never mixed into --json. */
export const readingProgress = async (json: boolean) => {
  if (json || !process.stderr.isTTY) return undefined;
  const { Presets, SingleBar } = await import('cli-progress');
  const bar = new SingleBar(
    { stream: process.stderr, format: 'reading |{bar}| {value}/{total} readings', hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(1, 0);
  return {
    update: (read: number, total: number | undefined) => {
      bar.setTotal(Math.max(read, total ?? read));
      bar.update(read);
    },
    stop: () => bar.stop(),
  };
};

/**
 * `ai-ops backtest --thresholds FILE|JSON`: what a threshold change would have done to the stored
 * readings (read-only), rule by rule, against the stage's current thresholds and past decisions.
 */
export const backtestCommand = (): Command =>
  subcommand('backtest', 're-evaluate the stored readings with candidate thresholds (read-only)')
    .addOption(
      new Option(
        '--thresholds <file|json>',
        'candidate override, in the ruleThresholds parameter schema',
      ).makeOptionMandatory(),
    )
    .addOption(
      new Option('--current <file|json>', "the current override (default: the stage's ruleThresholds)"),
    )
    .addOption(new Option('--from <iso>', 'start of the period (default: 30 days ago, the retention)'))
    .addOption(new Option('--to <iso>', 'end of the period (default: now)'))
    .addOption(new Option('--station <id...>', 'only these stations (repeatable)'))
    .action(
      reportFailures(async (_options: BacktestOptions, command: Command) => {
        const options = command.optsWithGlobals<BacktestOptions>();
        const candidate = thresholdsFrom(thresholdsText(options.thresholds, '--thresholds'), '--thresholds');
        const period = parsePeriod(options, Date.now());
        const target = targetOf(command);
        const [{ stageTables }, { runBacktest }] = await Promise.all([
          import('../backtest/tables'),
          import('../backtest/run'),
        ]);
        const tables = await stageTables(target);
        const current = thresholdsFrom(
          options.current === undefined
            ? tables.currentOverride
            : thresholdsText(options.current, '--current'),
          options.current === undefined ? `ruleThresholds of stage ${target.stage.value}` : '--current',
        );
        const bar = await readingProgress(target.json);
        try {
          const report = await runBacktest({
            ...tables,
            period,
            current,
            candidate,
            ...(options.station ? { stations: options.station } : {}),
            ...(bar ? { onProgress: bar.update } : {}),
          });
          bar?.stop();
          output(target, report, () => renderBacktest(report));
        } finally {
          bar?.stop();
          tables.client.destroy();
        }
      }),
    );
