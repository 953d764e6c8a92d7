import { createReadStream, existsSync, watch } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Command, Option } from 'commander';
import { flowLineOf, idsOf, type LogLine } from '../../local/flow-console';
import { clockTime, paint } from '../../local/present';
import { type CommonOptions, subcommand, targetOf } from '../common-options';
import { CliError } from '../errors';

interface LogsOptions extends CommonOptions {
  alert?: string;
  follow: boolean;
  raw: boolean;
}

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

/** 'ai-ops-local-evaluateMetrics' -> 'evaluateMetrics': the function as serverless.yml names it. */
const functionOf = (line: LogLine): string => text(line.function_name).replace(/^ai-ops-[^-]+-/, '');

/**
 * One line per log line: the flow step when it is one, else time, level, function, message and the ids
 * it concerns (alert, station, sequence number), so every line says what it is about.
 */
export const logLineOf = (line: LogLine): string => {
  const fn = functionOf(line);
  const step = flowLineOf(line);
  if (step) return fn ? `${step}  ${paint('dim', fn)}` : step;
  const at = Date.parse(text(line.timestamp));
  return [
    Number.isNaN(at) ? '--:--:--' : clockTime(at),
    text(line.level).padEnd(8),
    fn.padEnd(21),
    text(line.message),
    idsOf(line),
  ]
    .join('  ')
    .trimEnd();
};

const matches = (line: LogLine, alertId: string | undefined): boolean =>
  alertId === undefined || line.alertId === alertId || JSON.stringify(line).includes(alertId);

/** Prints the lines of the file from `start` on; returns where it stopped. */
const printFrom = async (file: string, start: number, options: LogsOptions): Promise<number> => {
  let position = start;
  const lines = createInterface({
    input: createReadStream(file, { start, encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  for await (const raw of lines) {
    position += Buffer.byteLength(raw) + 1;
    let line: LogLine;
    try {
      line = JSON.parse(raw) as LogLine;
    } catch {
      continue;
    }
    if ('_aws' in line && !options.raw && !options.json) continue; // EMF metric lines: for CloudWatch, not people
    if (!matches(line, options.alert)) continue;
    if (options.raw || options.json) process.stdout.write(`${raw}\n`);
    else process.stdout.write(`${logLineOf(line)}\n`);
  }
  return position;
};

/**
 * `ai-ops logs`: the local runtime's structured logs (the same JSON lines the functions write to
 * CloudWatch), as the flow or raw, optionally only the lines of one alert, optionally following.
 */
export const logsCommand = (): Command =>
  subcommand('logs', "show the local runtime's logs, optionally one alert's trail across every function")
    .addOption(new Option('--alert <alertId>', 'only the lines of this alert, from every function'))
    .addOption(new Option('-f, --follow', 'keep printing new lines').default(false))
    .addOption(new Option('--raw', 'print the JSON lines as written').default(false))
    .action(async (_options: LogsOptions, command: Command) => {
      const options = { ...command.optsWithGlobals<LogsOptions>(), json: targetOf(command).json };
      const file = join(targetOf(command).dataFolder, 'logs.jsonl');
      if (!existsSync(file))
        throw new CliError(
          'NOT_FOUND',
          `no logs at ${file}: start the local runtime first (npm start), or pass the --data folder it was started with`,
        );
      let position = await printFrom(file, 0, options);
      if (!options.follow) return;
      await new Promise<void>((resolve) => {
        let reading = Promise.resolve();
        const watcher = watch(file, () => {
          reading = reading.then(async () => {
            position = await printFrom(file, position, options);
          });
        });
        process.once('SIGINT', () => {
          watcher.close();
          resolve();
        });
      });
    });
