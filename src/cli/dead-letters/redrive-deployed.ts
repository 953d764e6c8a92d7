import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  DeadLetterNotFoundError,
  markRedriven,
  RangeGoneError,
  type RedriveMark,
  readRange,
  readRedriveMarks,
} from '../../local/dead-letters';
import {
  type DeadLetterEntry,
  matchesAnyFilter,
  type PollerLogger,
  processRecords,
  type StreamEntry,
  toStreamEntry,
} from '../../local/stream-poller';
import type { DeployedDeadLetterQueue } from './deployed-queues';
import { type LambdaSender, lambdaStreamInvoke } from './lambda-invoke';
import type { OnFailureRecord } from './on-failure-record';
import {
  leaseQueuedDeadLetter,
  type QueuedDeadLetter,
  releaseEntries,
  removeEntry,
  type SqsSender,
} from './queue-entries';

/** A deployed entry redriven from this machine: the mark, with what was redriven. */
export interface DeployedRedriveMark extends RedriveMark {
  functionName: string;
  queueName: string;
  entry: OnFailureRecord;
}

/** A range of the entry that failed again under the function's settings. */
export interface FailedAgain {
  startSequenceNumber: string;
  endSequenceNumber: string;
  records: number;
  reason: string;
}

export type DeployedRedriveResult =
  | { kind: 'redriven'; mark: DeployedRedriveMark }
  /** Marked before: nothing was sent; copies of it still in the queue (a duplicate delivery) were removed. */
  | { kind: 'already-redriven'; mark: RedriveMark; removedCopies: number }
  /** Some records failed again: the entry stays in its queue, and `failures` says which and why. */
  | {
      kind: 'failed-again';
      id: string;
      functionName: string;
      records: number;
      delivered: number;
      failures: FailedAgain[];
    };

/** The entry's body is not a stream on-failure record: there is no range to redrive. */
export class UnreadableDeadLetterError extends Error {
  constructor(id: string, problem: string) {
    super(`entry ${id} cannot be redriven: ${problem}`);
    this.name = 'UnreadableDeadLetterError';
  }
}

export interface DeployedRedriveOptions {
  id: string;
  sqs: SqsSender;
  lambda: LambdaSender;
  streams: DynamoDBStreamsClient;
  queues: readonly DeployedDeadLetterQueue[];
  /** Where this machine keeps its redrive marks for the stage and region (redriven.jsonl). */
  marksDir: string;
  /** The region Lambda puts in each record's awsRegion. */
  region: string;
  logger: PollerLogger;
  /** Pause between retries of a failed batch (Lambda retries at once; a pause is kinder to a throttled table). */
  retryDelayMs?: number;
  /** How long the entry stays hidden from anyone else while it is redriven: Lambda's longest timeout. */
  leaseSeconds?: number;
  now?: () => number;
}

const markFor = (marks: Map<string, RedriveMark>, id: string): RedriveMark | undefined => {
  const matches = id.length < 4 ? [] : [...marks.values()].filter((m) => m.id.startsWith(id.toLowerCase()));
  return matches.length === 1 ? matches[0] : undefined;
};

/**
 * Sends a deployed dead-letter entry's range through its function again. The records are read back from
 * the stream by sequence number (only while the stream still holds them: 24 h), filtered by the mapping's
 * patterns and delivered by synchronous invocations in batches of the mapping's size, with its retries,
 * bisecting and partial batch responses. When every record went through, the entry's messages are deleted
 * and the redrive is marked; otherwise the entry stays, and the result says what failed again. An unknown
 * entry or a range no longer in the stream throws before anything is invoked, deleted or marked.
 */
export const redriveDeployedDeadLetter = async (
  options: DeployedRedriveOptions,
): Promise<DeployedRedriveResult> => {
  const marks = await readRedriveMarks(options.marksDir);
  const leased = await leaseQueuedDeadLetter(
    options.sqs,
    options.queues,
    options.id,
    options.leaseSeconds ?? 900,
  );
  if (!leased) {
    const mark = markFor(marks, options.id);
    if (mark) return { kind: 'already-redriven', mark, removedCopies: 0 };
    throw new DeadLetterNotFoundError(options.id);
  }
  try {
    const mark = marks.get(leased.id);
    if (mark) {
      await removeEntry(options.sqs, leased);
      return { kind: 'already-redriven', mark, removedCopies: leased.receipts.length };
    }
    return await redriveLeased(leased, options);
  } catch (error) {
    // Put the entry back before reporting: nothing was changed, so it must stay to be redriven later.
    await releaseEntries(options.sqs, [leased]);
    throw error;
  }
};

const redriveLeased = async (
  leased: QueuedDeadLetter,
  options: DeployedRedriveOptions,
): Promise<DeployedRedriveResult> => {
  const { record } = leased;
  if (!record) throw new UnreadableDeadLetterError(leased.id, leased.problem ?? 'unreadable');
  const info = record.DDBStreamBatchInfo;
  const raw = await readRange(options.streams, info);
  const now = options.now ?? Date.now;
  const { settings } = leased.queue;
  const entries: StreamEntry[] = raw
    .map((r) => toStreamEntry(r, info.streamArn, { awsRegion: options.region, readAtMs: now() }))
    .filter((e) =>
      matchesAnyFilter(
        settings.filterPatterns,
        e.record as unknown as Parameters<typeof matchesAnyFilter>[1],
      ),
    );
  let delivered = 0;
  const failures: FailedAgain[] = [];
  await processRecords(entries, {
    shardId: info.shardId,
    streamArn: info.streamArn,
    functionName: leased.functionName,
    functionArn: record.requestContext.functionArn,
    // The records are old by now: their age limit counts from the redrive, not from when they were written.
    settings: { ...settings, maximumRecordAgeInSeconds: -1 },
    invoke: (() => {
      const invoke = lambdaStreamInvoke(options.lambda, record.requestContext.functionArn);
      return async (event) => {
        delivered += 'Records' in event ? event.Records.length : 0;
        return invoke(event);
      };
    })(),
    // What Lambda would send to the queue anew is reported instead, and the entry kept for a later redrive.
    deadLetter: async (entry: DeadLetterEntry) => {
      failures.push({
        startSequenceNumber: entry.DDBStreamBatchInfo.startSequenceNumber,
        endSequenceNumber: entry.DDBStreamBatchInfo.endSequenceNumber,
        records: entry.DDBStreamBatchInfo.batchSize,
        reason: entry.localDetails.reason,
      });
    },
    commit: async () => undefined,
    retryDelayMs: options.retryDelayMs ?? 1_000,
    sleep: (ms) => new Promise((resolve) => setTimeout(() => resolve(true), ms)),
    stopping: () => false,
    now,
    logger: options.logger,
    finalInvokeAttempts: 3,
  });
  if (failures.length > 0) {
    await releaseEntries(options.sqs, [leased]);
    return {
      kind: 'failed-again',
      id: leased.id,
      functionName: leased.functionName,
      records: raw.length,
      delivered,
      failures,
    };
  }
  const mark: DeployedRedriveMark = {
    id: leased.id,
    at: new Date(now()).toISOString(),
    records: raw.length,
    delivered,
    deadLettered: 0,
    functionName: leased.functionName,
    queueName: leased.queueName,
    entry: record,
  };
  // Marked first: if the delete then fails, the entry is still there but a second redrive sends nothing.
  await markRedriven(options.marksDir, mark);
  await removeEntry(options.sqs, leased);
  return { kind: 'redriven', mark };
};

export { DeadLetterNotFoundError, RangeGoneError };
