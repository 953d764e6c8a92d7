import { createReadStream, existsSync, watch } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Command, Option } from 'commander';
import { flowLineOf, type LogLine } from '../../local/flow-console';
import { subcommand } from '../common-options';

interface LogsOptions {
  data?: string;
  alert?: string;
  follow: boolean;
  raw: boolean;
  json: boolean;
}

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
    else {
      const shown =
        flowLineOf(line) ??
        `${String(line.timestamp ?? '').slice(11, 19)}  ${String(line.level ?? '').padEnd(10)} ${String(line.message ?? '')}`;
      process.stdout.write(`${shown}\n`);
    }
  }
  return position;
};

/**
 * `ai-ops logs`: the local runtime's structured logs (the same JSON lines the functions write to
 * CloudWatch), as the flow or raw, optionally only the lines of one alert, optionally following.
 */
export const logsCommand = (): Command =>
  subcommand(
    'logs',
    "show the local runtime's logs, optionally one alert's trail across every function",
    'unused',
  )
    .addOption(
      new Option('--data <dir>', 'the data folder given to `ai-ops start --data`').default('.ai-ops'),
    )
    .addOption(new Option('--alert <alertId>', 'only the lines of this alert, from every function'))
    .addOption(new Option('-f, --follow', 'keep printing new lines').default(false))
    .addOption(new Option('--raw', 'print the JSON lines as written').default(false))
    .action(async (options: LogsOptions) => {
      const file = join(options.data ?? '.ai-ops', 'logs.jsonl');
      if (!existsSync(file)) throw new Error(`no logs at ${file}: start the local runtime first (npm start)`);
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
