import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { reportFailures } from '../api-client';
import { type CommonOptions, output, subcommand, targetOf } from '../common-options';
import { CliError } from '../errors';
import type { Target } from '../target';

interface DeadLetterOptions extends CommonOptions {
  function?: string;
  all: boolean;
}

const folderOf = (target: Target): string => join(target.dataFolder, 'dead-letters');

/** With --stage (other than local) or --region: a deployed stage's SQS on-failure queues. */
const isDeployed = (command: Command): boolean => {
  const { stage, region } = command.optsWithGlobals<CommonOptions>();
  return (stage !== undefined && stage !== 'local') || region !== undefined;
};

const loadDeployed = () => import('../dead-letters/deployed-command');

const load = () => import('../../local/dead-letters');

const summaryOf = (e: Awaited<ReturnType<Awaited<ReturnType<typeof load>>['listDeadLetters']>>[number]) => ({
  id: e.id,
  function: e.functionName,
  at: e.entry.timestamp,
  condition: e.entry.requestContext.condition,
  records: e.entry.DDBStreamBatchInfo.batchSize,
  range: `${e.entry.DDBStreamBatchInfo.startSequenceNumber}..${e.entry.DDBStreamBatchInfo.endSequenceNumber}`,
  reason: e.entry.localDetails?.reason,
  redriven: e.redriven?.at ?? null,
});

const list = (): Command =>
  subcommand(
    'list',
    'list the entries of the local on-failure destinations (newest last), or with --stage/--region the deployed queues',
  )
    .addOption(new Option('--function <name>', "only this function's entries"))
    .addOption(new Option('--all', 'include entries already redriven').default(false))
    .action(
      reportFailures(async (_options: DeadLetterOptions, command: Command) => {
        const target = targetOf(command);
        const options = command.optsWithGlobals<DeadLetterOptions>();
        if (isDeployed(command)) return (await loadDeployed()).listDeployed(target, options);
        const { listDeadLetters } = await load();
        const entries = (await listDeadLetters(folderOf(target)))
          .filter((e) => options.function === undefined || e.functionName === options.function)
          .filter((e) => options.all || !e.redriven)
          .map(summaryOf);
        output(target, entries, () =>
          entries.length === 0
            ? `no dead-letter entries in ${folderOf(target)}`
            : entries
                .map(
                  (e) =>
                    `${e.id}  ${e.function.padEnd(20)} ${e.at}  ${e.condition}  ${e.records} record(s)  ${e.reason ?? ''}${e.redriven ? `  (redriven ${e.redriven})` : ''}`,
                )
                .join('\n'),
        );
      }),
    );

const show = (): Command =>
  subcommand('show', "print one entry: Lambda's metadata and the last error per record")
    .argument('<id>', 'the entry id (or its first characters) from `dead-letters list`')
    .action(
      reportFailures(async (id: string, _options: DeadLetterOptions, command: Command) => {
        const target = targetOf(command);
        if (isDeployed(command)) return (await loadDeployed()).showDeployed(target, id);
        const { findDeadLetter, DeadLetterNotFoundError } = await load();
        const stored = await findDeadLetter(folderOf(target), id).catch((error: unknown) => {
          if (error instanceof DeadLetterNotFoundError) throw new CliError('NOT_FOUND', error.message);
          throw error;
        });
        output(target, stored, () =>
          [
            `${stored.id}  ${stored.functionName}  ${summaryOf(stored).condition}  ${summaryOf(stored).range}`,
            `shard ${stored.entry.DDBStreamBatchInfo.shardId}`,
            ...(stored.entry.localDetails?.errors ?? []).map((e) => `  ${e.sequenceNumber}  ${e.message}`),
            stored.redriven ? `redriven ${stored.redriven.at}` : 'not redriven',
          ].join('\n'),
        );
      }),
    );

const redrive = (): Command =>
  subcommand(
    'redrive',
    "send the entry's records through the function again (the running local runtime, or with --stage/--region the deployed function)",
  )
    .argument('<id>', 'the entry id (or its first characters) from `dead-letters list`')
    .action(
      reportFailures(async (id: string, _options: DeadLetterOptions, command: Command) => {
        const target = targetOf(command);
        if (isDeployed(command)) return (await loadDeployed()).redriveDeployed(target, id);
        if (!target.runtime)
          throw new CliError(
            'UNREACHABLE',
            `no local runtime runs on ${target.dataFolder}: start it (npm start -- --data ${target.dataFolder}) to redrive from its stream`,
          );
        const response = await fetch(`${target.runtime.apiUrl}/local/dead-letters/redrive`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id }),
        }).catch((error: unknown) => {
          throw new CliError(
            'UNREACHABLE',
            `the local runtime at ${target.runtime?.apiUrl} did not answer: ${String(error)}`,
          );
        });
        const body = (await response.json()) as Record<string, unknown>;
        if (response.status === 404)
          throw new CliError('NOT_FOUND', String(body.message ?? 'not found'), 404);
        if (!response.ok)
          throw new CliError('FAILED', String(body.message ?? response.statusText), response.status);
        const mark = body.mark as { records: number; delivered: number; deadLettered: number; at: string };
        output(target, body, () =>
          body.kind === 'already-redriven'
            ? `${id}: already redriven at ${mark.at}; nothing was sent again`
            : `${id}: ${mark.records} record(s) of ${String(body.functionName)} sent again; ${mark.deadLettered} failed again (a new entry)`,
        );
      }),
    );

/**
 * `ai-ops dead-letters list|show|redrive`: the local on-failure destinations, or a deployed stage's SQS
 * queues with --stage/--region, and sending a range again.
 */
export const deadLettersCommand = (): Command =>
  subcommand(
    'dead-letters',
    "read and redrive dead-letter entries (the local runtime's, or a deployed stage's)",
  )
    .addCommand(list())
    .addCommand(show())
    .addCommand(redrive());
