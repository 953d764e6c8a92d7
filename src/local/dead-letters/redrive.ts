import {
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import {
  type DeadLetterWriter,
  matchesAnyFilter,
  processRecords,
  type StreamEntry,
  toStreamEntry,
} from '../stream-poller';
import type { PollerLogger, StreamInvoke, StreamMappingSettings } from '../stream-poller/types';
import { findDeadLetter, markRedriven, type RedriveMark } from './store';

/** The range is no longer in the stream (past its 24 h, or the stream is gone): nothing was changed. */
export class RangeGoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RangeGoneError';
  }
}

export interface RedriveOptions {
  /** The dead-letter folder (`<data>/dead-letters`). */
  dir: string;
  id: string;
  streamsClient: DynamoDBStreamsClient;
  /** The function's mapping, whose settings (filters, batch size, retries, bisect) the redrive honours. */
  settings: StreamMappingSettings;
  invoke: StreamInvoke;
  /** Where records that fail again go: a new entry, as the poller would write. */
  deadLetter: DeadLetterWriter;
  functionArn: string;
  logger: PollerLogger;
  now?: () => number;
}

export type RedriveResult =
  | { kind: 'redriven'; mark: RedriveMark }
  | { kind: 'already-redriven'; mark: RedriveMark };

const GONE = new Set(['TrimmedDataAccessException', 'ResourceNotFoundException', 'ExpiredIteratorException']);
const nameOf = (error: unknown) => (error instanceof Error ? error.name : '');
const seq = (value: string | undefined) => BigInt(value ?? '0');
/**
 * AWS may answer empty pages before the part of a shard that holds records ("it might take multiple calls
 * to get to a portion of the shard that contains stream records", GetRecords); DynamoDB Local answers
 * empty only at the shard's end. This many empty pages in a row end the read.
 */
const MAX_EMPTY_PAGES = 20;

/** Records start..end of one shard, read as Lambda would (AT_SEQUENCE_NUMBER), or RangeGoneError. */
export const readRange = async (
  client: DynamoDBStreamsClient,
  range: { streamArn: string; shardId: string; startSequenceNumber: string; endSequenceNumber: string },
): Promise<StreamRecord[]> => {
  const records: StreamRecord[] = [];
  try {
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamArn: range.streamArn,
          ShardId: range.shardId,
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          SequenceNumber: range.startSequenceNumber,
        }),
      )
    ).ShardIterator;
    const end = seq(range.endSequenceNumber);
    let emptyPages = 0;
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
      const fresh = page.Records ?? [];
      for (const record of fresh) if (seq(record.dynamodb?.SequenceNumber) <= end) records.push(record);
      const last = fresh.at(-1)?.dynamodb?.SequenceNumber;
      if (last !== undefined && seq(last) >= end) break;
      emptyPages = fresh.length === 0 ? emptyPages + 1 : 0;
      if (emptyPages >= MAX_EMPTY_PAGES) break;
      iterator = page.NextShardIterator;
    }
  } catch (error) {
    if (GONE.has(nameOf(error)))
      throw new RangeGoneError(
        `records ${range.startSequenceNumber}..${range.endSequenceNumber} of ${range.shardId} are no longer in the stream (${nameOf(error)})`,
      );
    throw error;
  }
  const first = records[0]?.dynamodb?.SequenceNumber;
  const last = records.at(-1)?.dynamodb?.SequenceNumber;
  if (first !== range.startSequenceNumber || last !== range.endSequenceNumber)
    throw new RangeGoneError(
      `records ${range.startSequenceNumber}..${range.endSequenceNumber} of ${range.shardId} are no longer all in the stream`,
    );
  return records;
};

/**
 * Sends a dead-lettered range through its function again: the records are read back from the stream by
 * sequence number, filtered by the mapping's patterns, and delivered in batches with the mapping's
 * retries and bisecting; records that fail again become a new entry. The entry is then marked, and a
 * second redrive of it changes nothing. An unknown entry or a range that left the stream throws before
 * anything is invoked or marked.
 */
export const redriveDeadLetter = async (options: RedriveOptions): Promise<RedriveResult> => {
  const stored = await findDeadLetter(options.dir, options.id);
  if (stored.redriven) return { kind: 'already-redriven', mark: stored.redriven };
  const info = stored.entry.DDBStreamBatchInfo;
  const raw = await readRange(options.streamsClient, info);
  const now = options.now ?? Date.now;
  const entries: StreamEntry[] = raw
    .map((r) => toStreamEntry(r, info.streamArn, { readAtMs: now() }))
    .filter((e) =>
      matchesAnyFilter(
        options.settings.filterPatterns,
        e.record as unknown as Parameters<typeof matchesAnyFilter>[1],
      ),
    );
  let delivered = 0;
  let deadLettered = 0;
  await processRecords(entries, {
    shardId: info.shardId,
    streamArn: info.streamArn,
    functionName: stored.functionName,
    functionArn: options.functionArn,
    // The records are old by now: their age limit counted from the redrive, not from when they were written.
    settings: { ...options.settings, maximumRecordAgeInSeconds: -1 },
    invoke: async (event) => {
      delivered += 'Records' in event ? event.Records.length : 0;
      return options.invoke(event);
    },
    deadLetter: async (entry) => {
      deadLettered += entry.DDBStreamBatchInfo.batchSize;
      await options.deadLetter(entry);
    },
    commit: async () => undefined,
    retryDelayMs: 100,
    sleep: (ms) => new Promise((resolve) => setTimeout(() => resolve(true), ms)),
    stopping: () => false,
    now,
    logger: options.logger,
    finalInvokeAttempts: 3,
  });
  const mark: RedriveMark = {
    id: stored.id,
    at: new Date(now()).toISOString(),
    records: raw.length,
    delivered,
    deadLettered,
  };
  await markRedriven(options.dir, mark);
  return { kind: 'redriven', mark };
};
