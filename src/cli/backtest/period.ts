import { METRIC_TTL_DAYS } from '../../domain/types';
import { CliError } from '../errors';

const DAY = 86_400_000;

/** The period a backtest or the rule statistics cover, epoch ms, both ends included. */
export interface Period {
  from: number;
  to: number;
}

const instant = (value: string, flag: string): number => {
  const at = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value.trim()) || Number.isNaN(at))
    throw new CliError(
      'USAGE',
      `${flag} ${value} is not an ISO 8601 time (e.g. 2026-11-20 or 2026-11-20T08:00Z)`,
    );
  return at;
};

/**
 * --from/--to as a period: the metrics' retention (30 days before `now`) by default. --from after --to,
 * or a --from older than the retention (the readings are gone), is a usage error naming the flag.
 */
export const parsePeriod = (
  options: { from?: string; to?: string },
  now: number,
  retentionDays: number = METRIC_TTL_DAYS,
): Period => {
  const oldest = now - retentionDays * DAY;
  const to = options.to === undefined ? now : instant(options.to, '--to');
  const from = options.from === undefined ? oldest : instant(options.from, '--from');
  if (from > to)
    throw new CliError(
      'USAGE',
      `--from ${new Date(from).toISOString()} is after --to ${new Date(to).toISOString()}`,
    );
  if (from < oldest)
    throw new CliError(
      'USAGE',
      `--from ${new Date(from).toISOString()} is beyond the metrics' ${retentionDays}-day retention (oldest: ${new Date(oldest).toISOString()})`,
    );
  return { from, to };
};
