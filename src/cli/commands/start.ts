import type { Command } from 'commander';
import { Option } from 'commander';
import { flowLineOf } from '../../local/flow-console';
import { tapOutput } from '../../local/log-tap';
import { startLocalRuntime } from '../../local/runtime';
import { logger } from '../../observability';
import { subcommand } from '../common-options';

interface StartOptions {
  port: string;
  data?: string;
  simulator: boolean;
  stations: string;
  interval: string;
  seed?: string;
  stage: string;
  verbose: boolean;
}

const positiveInt = (value: string, name: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${value}`);
  return n;
};

/** `ai-ops start` (what `npm start` runs): the whole pipeline on this machine, with a live flow. */
export const startCommand = (): Command =>
  subcommand(
    'start',
    'run the whole pipeline locally: DynamoDB Local, stream pollers, HTTP API, workflow, simulator',
    'unused (the local runtime starts its own endpoints)',
  )
    .addOption(new Option('--port <port>', 'HTTP API port').default('3000'))
    .addOption(
      new Option('--data <dir>', 'persist tables, stream checkpoints, notifications and logs in this folder'),
    )
    .addOption(new Option('--no-simulator', 'do not run the fleet simulator'))
    .addOption(new Option('--stations <n>', 'stations the simulator runs').default('5'))
    .addOption(new Option('--interval <ms>', 'simulator interval between readings').default('5000'))
    .addOption(new Option('--seed <n>', 'simulator seed, to replay a run'))
    .addOption(new Option('--verbose', 'also print the raw JSON log lines').default(false))
    .action(async (options: StartOptions) => {
      const say = (line: string) => process.stdout.write(`${line}\n`);
      say('ai-ops: starting DynamoDB Local, stream pollers, the HTTP API and the remediation workflow…');
      const stations = positiveInt(options.stations, 'stations');
      const scratch = options.data ?? '.ai-ops';
      const tap = tapOutput(`${scratch}/logs.jsonl`, flowLineOf, options.verbose);
      const runtime = await startLocalRuntime({
        port: positiveInt(options.port, 'port'),
        ...(options.data ? { dataDir: options.data } : { scratchDir: scratch }),
        stage: options.stage === 'dev' ? 'local' : options.stage,
        ...(options.simulator && stations > 0
          ? {
              simulator: {
                stations,
                intervalMs: positiveInt(options.interval, 'interval'),
                ...(options.seed ? { seed: positiveInt(options.seed, 'seed') } : {}),
              },
            }
          : {}),
        onNotification: (n) =>
          say(
            `${new Date().toISOString().slice(11, 19)}  ${'sns'.padEnd(10)} ${n.subject ?? '(no subject)'} → ${n.topicArn.split(':').at(-1)} [${n.messageId}]`,
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
      say('');
      say(`  HTTP API          ${runtime.url}   (GET /health)`);
      say(`  DynamoDB Local    ${runtime.dynamodbEndpoint}`);
      say(`  notifications     ${runtime.files.notifications}`);
      say(`  logs              ${runtime.files.logs}   (ai-ops logs [--alert ID])`);
      say(`  dead letters      ${runtime.files.deadLetters}/`);
      say(`  simulator         ${options.simulator && stations > 0 ? `${stations} stations` : 'off'}`);
      say('');
      say('  Try:  npm run ai-ops -- alerts list --status PENDING');
      say('        npm run ai-ops -- alerts approve <alertId>');
      say('        npm run ai-ops -- audit <alertId>');
      say('  Ctrl-C stops everything.');
      say('');

      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = () => {
          if (stopping) return;
          stopping = true;
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
    });
