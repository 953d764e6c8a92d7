import { Command, InvalidArgumentError, Option } from 'commander';
import { ALERT_TYPES } from '../../domain/alert-vocabulary';
import { EVERY_STATION } from '../../domain/silence';
import { localTime, renderTable } from '../../local/present';
import { parseDuration } from '../../local/simulator/duration';
import { type NewSilence, reportFailures, type SilenceView, tokenOption } from '../api-client';
import { type CommonOptions, output, subcommand, targetOf } from '../common-options';
import { connectCommand } from '../connect';
import { CliError } from '../errors';

interface AddOptions extends CommonOptions {
  token?: string;
  station: string;
  type?: string[];
  duration?: number;
  until?: string;
  starts?: string;
  reason: string;
}

const parseType = (value: string, previous: string[] = []): string[] => {
  const type = value.toUpperCase();
  if (!(ALERT_TYPES as readonly string[]).includes(type))
    throw new InvalidArgumentError(`must be one of ${ALERT_TYPES.join(', ')}`);
  return [...previous, type];
};

const parseDurationOption = (value: string): number => {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
};

const parseInstant = (value: string): string => {
  if (Number.isNaN(Date.parse(value)))
    throw new InvalidArgumentError('must be an ISO 8601 date-time, e.g. 2026-11-28T06:00:00Z');
  return new Date(Date.parse(value)).toISOString();
};

/** The request body of `silences add`: --until as given, or now (or --starts) + --duration. */
export const newSilenceOf = (options: AddOptions, now: number): NewSilence => {
  const startsAt = options.starts === undefined ? undefined : Date.parse(options.starts);
  const endsAt = options.until ?? new Date((startsAt ?? now) + (options.duration ?? 0)).toISOString();
  return {
    stationId: options.station,
    ...(options.type && options.type.length > 0 ? { alertTypes: options.type } : {}),
    ...(options.starts === undefined ? {} : { startsAt: options.starts }),
    endsAt,
    reason: options.reason,
  };
};

const typesOf = (silence: SilenceView): string =>
  silence.alertTypes.length === 0 ? 'all' : silence.alertTypes.join(',');

export const renderSilences = (items: readonly SilenceView[]): string =>
  items.length === 0
    ? 'no silences in force or planned'
    : renderTable(
        ['SILENCE ID', 'STATION', 'TYPES', 'STARTS', 'ENDS', 'MATCHED', 'BY', 'REASON'],
        items.map((s) => [
          s.silenceId,
          s.stationId === EVERY_STATION ? '* (every station)' : s.stationId,
          typesOf(s),
          localTime(s.startsAt),
          localTime(s.endsAt),
          String(s.matched),
          s.createdBy,
          s.reason,
        ]),
      );

export const renderSilence = (silence: SilenceView, verb: string): string =>
  `silence ${silence.silenceId} ${verb}: ${silence.stationId} (${typesOf(silence)}) ${localTime(silence.startsAt)} → ${localTime(silence.endsAt)}, ${silence.matched} trigger(s) suppressed`;

const leaf = (name: string, description: string): Command =>
  new Command(name).description(description).configureHelp({ showGlobalOptions: true });

/**
 * `ai-ops silences add|list|remove`: maintenance windows. While a silence is in force, triggers of its
 * station (or of every station, `--station '*'`) open no alert and notify nobody; they are counted on it.
 */
export const silencesCommand = (): Command =>
  subcommand('silences', 'silence a station’s alerts for a maintenance window; list and remove silences')
    .addOption(tokenOption())
    .addCommand(
      leaf('add', 'silence a station (or * for every station) until a time or for a duration')
        .addOption(new Option('--station <id>', 'the station, or * for every station').makeOptionMandatory())
        .addOption(
          new Option(
            '--type <type>',
            `only this alert type (repeatable; ${ALERT_TYPES.join(', ')})`,
          ).argParser(parseType),
        )
        .addOption(
          new Option('--duration <d>', 'how long, e.g. 30m, 2h')
            .argParser(parseDurationOption)
            .conflicts('until'),
        )
        .addOption(new Option('--until <iso>', 'when it ends (ISO 8601)').argParser(parseInstant))
        .addOption(new Option('--starts <iso>', 'when it starts (default now)').argParser(parseInstant))
        .addOption(new Option('--reason <text>', 'why (1..1000 characters)').makeOptionMandatory())
        .action(
          reportFailures(async (_options: AddOptions, command: Command) => {
            const options = command.optsWithGlobals<AddOptions>();
            if (options.duration === undefined && options.until === undefined)
              throw new CliError('USAGE', 'one of --duration <d> or --until <iso> is required');
            const silence = await (await connectCommand(command)).addSilence(
              newSilenceOf(options, Date.now()),
            );
            output(targetOf(command), silence, () => renderSilence(silence, 'added'));
          }),
        ),
    )
    .addCommand(
      leaf('list', 'the silences in force and planned').action(
        reportFailures(async (_options: CommonOptions, command: Command) => {
          const { items } = await (await connectCommand(command)).listSilences();
          output(targetOf(command), { items }, () => renderSilences(items));
        }),
      ),
    )
    .addCommand(
      leaf('remove', 'end a silence now (alerts open again on the next trigger)')
        .argument('<silenceId>')
        .action(
          reportFailures(async (silenceId: string, _options: CommonOptions, command: Command) => {
            const silence = await (await connectCommand(command)).removeSilence(silenceId);
            output(targetOf(command), silence, () => renderSilence(silence, 'ended'));
          }),
        ),
    );
