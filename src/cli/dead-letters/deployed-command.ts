import { join } from 'node:path';
import { DeadLetterNotFoundError, RangeGoneError, readRedriveMarks } from '../../local/dead-letters';
import { loadServiceDefinition } from '../../local/service-definition';
import type { PollerLogger } from '../../local/stream-poller';
import { output } from '../common-options';
import { CliError, EXIT } from '../errors';
import type { Target } from '../target';
import { deadLetterClients, deadLetterEndpointsOf } from './clients';
import { type DeployedDeadLetterQueue, deployedDeadLetterQueues } from './deployed-queues';
import { listQueuedDeadLetters, type QueuedDeadLetter } from './queue-entries';
import {
  type DeployedRedriveMark,
  redriveDeployedDeadLetter,
  UnreadableDeadLetterError,
} from './redrive-deployed';

/**
 * `ai-ops dead-letters list|show|redrive --stage S --region R`: the same commands on a deployed stage's
 * SQS on-failure queues (docs/operations.md, "Dead-letter queue not empty").
 */

/** This machine's redrive marks for the stage and region, beside the local runtime's dead letters. */
const marksDirOf = (target: Target): string =>
  join(target.dataFolder, 'dead-letters', 'deployed', `${target.stage.value}-${target.region.value}`);

const stderrLogger: PollerLogger = {
  debug: () => {},
  info: () => {},
  warn: (message, extra) => process.stderr.write(`${message} ${JSON.stringify(extra)}\n`),
  error: (message, extra) => process.stderr.write(`${message} ${JSON.stringify(extra)}\n`),
};

const queuesOf = async (target: Target, functionName?: string): Promise<DeployedDeadLetterQueue[]> => {
  const queues = deployedDeadLetterQueues(await loadServiceDefinition(target.stage.value));
  const chosen = queues.filter((q) => functionName === undefined || q.functionName === functionName);
  if (chosen.length === 0)
    throw new CliError(
      'USAGE',
      `${functionName} has no on-failure queue (stream functions with one: ${queues.map((q) => q.functionName).join(', ')})`,
    );
  return chosen;
};

const withClients = async <T>(
  target: Target,
  use: (clients: ReturnType<typeof deadLetterClients>) => Promise<T>,
): Promise<T> => {
  const clients = deadLetterClients(
    target.region.value,
    target.dynamodb?.value,
    deadLetterEndpointsOf(process.env),
  );
  try {
    return await use(clients);
  } finally {
    clients.destroy();
  }
};

const summaryOf = (e: QueuedDeadLetter) => ({
  id: e.id,
  function: e.functionName,
  queue: e.queueName,
  at: e.record?.timestamp ?? null,
  condition: e.record?.requestContext.condition ?? null,
  records: e.record?.DDBStreamBatchInfo.batchSize ?? null,
  range: e.record
    ? `${e.record.DDBStreamBatchInfo.startSequenceNumber}..${e.record.DDBStreamBatchInfo.endSequenceNumber}`
    : null,
  copies: e.receipts.length,
  ...(e.problem ? { problem: e.problem } : {}),
  redriven: null as string | null,
});

const markSummaryOf = (m: DeployedRedriveMark) => ({
  id: m.id,
  function: m.functionName,
  queue: m.queueName,
  at: m.entry.timestamp,
  condition: m.entry.requestContext.condition,
  records: m.entry.DDBStreamBatchInfo.batchSize,
  range: `${m.entry.DDBStreamBatchInfo.startSequenceNumber}..${m.entry.DDBStreamBatchInfo.endSequenceNumber}`,
  copies: 0,
  redriven: m.at,
});

const line = (e: ReturnType<typeof summaryOf> | ReturnType<typeof markSummaryOf>): string =>
  `${e.id}  ${e.function.padEnd(20)} ${e.at ?? '?'}  ${e.condition ?? '?'}  ${e.records ?? '?'} record(s)  ${e.range ?? ''}${
    'problem' in e && e.problem ? `  (${e.problem})` : ''
  }${e.redriven ? `  (redriven ${e.redriven})` : ''}`;

export const listDeployed = async (
  target: Target,
  options: { function?: string | undefined; all: boolean },
): Promise<void> => {
  const queues = await queuesOf(target, options.function);
  const queued = await withClients(target, (c) => listQueuedDeadLetters(c.sqs, queues));
  const marks = [...(await readRedriveMarks(marksDirOf(target))).values()] as DeployedRedriveMark[];
  const summaries = [
    ...queued.map(summaryOf),
    ...(options.all
      ? marks
          .filter((m) => queues.some((q) => q.functionName === m.functionName))
          .filter((m) => !queued.some((e) => e.id === m.id))
          .map(markSummaryOf)
      : []),
  ];
  output(target, summaries, () =>
    summaries.length === 0
      ? `no dead-letter entries in ${queues.map((q) => q.queueName).join(', ')}`
      : summaries.map(line).join('\n'),
  );
};

export const showDeployed = async (target: Target, id: string): Promise<void> => {
  const queues = await queuesOf(target);
  const queued = await withClients(target, (c) => listQueuedDeadLetters(c.sqs, queues));
  const matches = id.length < 4 ? [] : queued.filter((e) => e.id.startsWith(id.toLowerCase()));
  const [found] = matches;
  if (!found || matches.length > 1) {
    const marks = [...(await readRedriveMarks(marksDirOf(target))).values()];
    const mark = id.length < 4 ? undefined : marks.find((m) => m.id.startsWith(id.toLowerCase()));
    throw new CliError(
      'NOT_FOUND',
      mark
        ? `entry ${id} was redriven at ${mark.at} and is no longer in its queue`
        : `no dead-letter entry ${id}`,
    );
  }
  const { receipts: _receipts, queue: _queue, queueUrl: _url, ...shown } = found;
  output(target, shown, () =>
    [
      line(summaryOf(found)),
      `queue ${found.queueName}, ${found.receipts.length} cop${found.receipts.length === 1 ? 'y' : 'ies'}`,
      ...(found.record
        ? [
            `shard ${found.record.DDBStreamBatchInfo.shardId}`,
            `function ${found.record.requestContext.functionArn}, ${found.record.requestContext.approximateInvokeCount ?? '?'} invocation(s), ${found.record.responseContext.functionError ?? 'no function error (batchItemFailures or record age)'}`,
            `why: the function's log lines with these sequence numbers (field sequenceNumber), or the failures query (docs/operations.md)`,
          ]
        : []),
      'not redriven',
    ].join('\n'),
  );
};

export const redriveDeployed = async (target: Target, id: string): Promise<void> => {
  const queues = await queuesOf(target);
  const result = await withClients(target, (c) =>
    redriveDeployedDeadLetter({
      id,
      sqs: c.sqs,
      lambda: c.lambda,
      streams: c.streams,
      queues,
      marksDir: marksDirOf(target),
      region: target.region.value,
      logger: stderrLogger,
    }),
  ).catch((error: unknown) => {
    if (error instanceof DeadLetterNotFoundError)
      throw new CliError('NOT_FOUND', `${error.message} in ${queues.map((q) => q.queueName).join(', ')}`);
    if (error instanceof RangeGoneError)
      throw new CliError('NOT_FOUND', `${error.message}; nothing was sent and the entry stays in its queue`);
    if (error instanceof UnreadableDeadLetterError) throw new CliError('INVALID_INPUT', error.message);
    throw error;
  });
  output(target, result, () => {
    switch (result.kind) {
      case 'already-redriven':
        return `${id}: already redriven at ${result.mark.at}; nothing was sent again${
          result.removedCopies > 0
            ? ` (${result.removedCopies} leftover cop(ies) removed from the queue)`
            : ''
        }`;
      case 'redriven':
        return `${id}: ${result.mark.records} record(s) of ${result.mark.functionName} sent again, all processed; the entry was deleted from ${result.mark.queueName}`;
      case 'failed-again':
        return [
          `${id}: ${result.records} record(s) of ${result.functionName} sent again; these failed again, so the entry stays in its queue:`,
          ...result.failures.map(
            (f) => `  ${f.startSequenceNumber}..${f.endSequenceNumber}  ${f.records} record(s)  ${f.reason}`,
          ),
        ].join('\n');
    }
  });
  if (result.kind === 'failed-again') process.exitCode = EXIT.failure;
};
