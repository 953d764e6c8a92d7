import type { Command } from 'commander';
import { Option } from 'commander';
import { zoneName } from '../../local/present';
import { reportFailures } from '../api-client';
import { type CommonOptions, optionsOf, subcommand } from '../common-options';
import { CliError } from '../errors';
import { DEFAULT_DATA_FOLDER, resolveTarget } from '../target';

interface StartOptions extends CommonOptions {
  port: string;
  simulator: boolean;
  stations: string;
  interval: string;
  seed?: string;
  faults?: string;
}

const wholeNumber = (value: string, name: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new CliError('USAGE', `--${name} must be a whole number, got ${value}`);
  return n;
};

/** `--faults` parsed, or a usage error (exit 2) naming the flag. */
const faultsOf = async (spec: string) => {
  const { FaultSpecError, parseFaultSpec } = await import('../../local/fault-injection');
  try {
    return parseFaultSpec(spec);
  } catch (error) {
    if (error instanceof FaultSpecError) throw new CliError('USAGE', `--faults ${error.message}`);
    throw error;
  }
};

/** Folded metric batches: one summary line per this many ms. */
const SUMMARY_EVERY_MS = 30_000;

/**
 * `ai-ops start` (what `npm start` runs): the whole pipeline on this machine, with a live flow. It
 * refuses a port in use and a data folder another runtime holds before starting Java, and writes
 * runtime.json in the data folder so every other command finds it.
 */
export const startCommand = (): Command =>
  subcommand(
    'start',
    'run the whole pipeline locally: DynamoDB Local, stream pollers, HTTP API, workflow, simulator',
  )
    .addOption(
      new Option('--port <port>', 'HTTP API port (0: any free port)').default('3000').env('AIOPS_PORT'),
    )
    .addOption(new Option('--no-simulator', 'do not run the fleet simulator'))
    .addOption(new Option('--stations <n>', 'stations the simulator runs').default('5'))
    .addOption(new Option('--interval <ms>', 'simulator interval between readings').default('5000'))
    .addOption(new Option('--seed <n>', 'simulator seed, to replay a run'))
    .addOption(
      new Option(
        '--faults <spec>',
        "fail a share of the functions' AWS requests, e.g. dynamodb=0.2,sfn=0.2,sns=0.2 (throttling, 5xx, timeout)",
      ),
    )
    .addHelpText(
      'after',
      '\n--data DIR keeps tables, stream checkpoints, logs, notifications and dead letters across restarts (default: tables in memory, files in .ai-ops/). One runtime per data folder.',
    )
    .action(
      reportFailures(async (_options: StartOptions, command: Command) => {
        const options = optionsOf<StartOptions>(command);
        const say = (line: string) => process.stdout.write(`${line}\n`);
        const stations = wholeNumber(options.stations, 'stations');
        const port = wholeNumber(options.port, 'port');
        const interval = wholeNumber(options.interval, 'interval');
        const seed = options.seed === undefined ? undefined : wholeNumber(options.seed, 'seed');
        const faults = options.faults === undefined ? undefined : await faultsOf(options.faults);
        const [{ createFlowPrinter, formatEntry }, { tapOutput }, { startLocalRuntime }, { logger }] =
          await Promise.all([
            import('../../local/flow-console'),
            import('../../local/log-tap'),
            import('../../local/runtime'),
            import('../../observability'),
          ]);
        say('ai-ops: starting DynamoDB Local, stream pollers, the HTTP API and the remediation workflow…');
        // --data, else AIOPS_DATA or the config's `data`: the folder the other commands will look in.
        const dataFolder = options.data ?? resolveTarget(options).dataFolder;
        const persisted = dataFolder !== DEFAULT_DATA_FOLDER || options.data !== undefined;
        const folder = dataFolder;
        const printer = createFlowPrinter({ summaryEveryMs: SUMMARY_EVERY_MS });
        const tap = tapOutput(`${folder}/logs.jsonl`, printer.render, options.verbose);
        const runtime = await startLocalRuntime({
          port,
          ...(persisted ? { dataDir: folder } : { scratchDir: folder }),
          stage: options.stage ?? 'local',
          ...(faults ? { faults } : {}),
          // The runtime stopped itself (DynamoDB Local died without --data, or would not restart).
          onFatal: (error) => {
            tap.restore();
            process.stderr.write(`ai-ops: ${error.message}\n`);
            process.exit(1);
          },
          ...(options.simulator && stations > 0
            ? { simulator: { stations, intervalMs: interval, ...(seed === undefined ? {} : { seed }) } }
            : {}),
          onNotification: (n) =>
            say(
              formatEntry(Date.now(), {
                tag: 'sns',
                text: `${n.subject ?? '(no subject)'} → ${n.topicArn.split(':').at(-1)} [${n.messageId}]`,
              }),
            ),
          logger: {
            debug: (message, extra) => logger.debug(message, extra ?? {}),
            info: (message, extra) => logger.info(message, extra ?? {}),
            warn: (message, extra) => logger.warn(message, extra ?? {}),
            error: (message, extra) => logger.error(message, extra ?? {}),
          },
        }).catch((error: unknown) => {
          tap.restore();
          throw error;
        });
        const summaries = setInterval(() => {
          const summary = printer.flush();
          if (summary) say(summary);
        }, SUMMARY_EVERY_MS);
        summaries.unref();
        say('');
        say(`  HTTP API          ${runtime.url}   (GET /health)`);
        say(`  console           ${runtime.url}/console   (alerts inbox, decisions, charts)`);
        say(`  DynamoDB Local    ${runtime.dynamodbEndpoint}`);
        say(`  stage             ${runtime.definition.stage}`);
        say(`  runtime file      ${runtime.files.runtime}   (how \`ai-ops\` finds this runtime)`);
        say(`  notifications     ${runtime.files.notifications}`);
        say(`  logs              ${runtime.files.logs}   (ai-ops logs [--alert ID])`);
        say(`  dead letters      ${runtime.files.deadLetters}/`);
        if (faults)
          say(
            `  faults            ${(await import('../../local/fault-injection')).describeFaults(faults) ?? 'none'}`,
          );
        say(`  simulator         ${options.simulator && stations > 0 ? `${stations} stations` : 'off'}`);
        // Offline detection runs on the stage's offlineAfter (45 s on `local`, 3 min deployed: docs/rules.md).
        const offlineAfter = Number(runtime.definition.functions.sweepAlerts?.environment?.OFFLINE_AFTER_MS);
        if (Number.isFinite(offlineAfter) && offlineAfter > 0)
          say(
            `  offline after     ${offlineAfter / 1000} s of silence (STATION_OFFLINE; the simulator silences one station ` +
              'for 2+ min each cycle when it has more than 4)',
          );
        say(`  times             ${zoneName()} (this machine's zone); metric batches summed every 30 s`);
        say('');
        const data = persisted && options.data ? ` --data ${options.data}` : '';
        say(`  Try:  npx ai-ops alerts list --status PENDING${data}`);
        say(`        npx ai-ops alerts approve <alertId>${data}`);
        say(`        npx ai-ops audit <alertId>${data}`);
        say('  Ctrl-C stops everything.');
        say('');

        await new Promise<void>((resolve) => {
          let stopping = false;
          const stop = () => {
            if (stopping) return;
            stopping = true;
            clearInterval(summaries);
            say('\nai-ops: stopping… (Ctrl-C again to force)');
            void runtime.stop().finally(() => {
              tap.restore();
              say('ai-ops: stopped.');
              resolve();
            });
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      }),
    );
