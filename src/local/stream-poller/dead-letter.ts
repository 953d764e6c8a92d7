import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AttributeValue } from 'aws-lambda';
import type { StreamEntry } from './lambda-record';

export type DeadLetterCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/**
 * What Lambda sends to an SQS/SNS on-failure destination of a DynamoDB stream mapping (an "invocation
 * record": metadata only, never the records themselves), plus `localDetails`, a local addition.
 */
export interface DeadLetterEntry {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: DeadLetterCondition;
    approximateInvokeCount: number;
  };
  responseContext: {
    /** 200 when the function ran (errors included, as Lambda reports them); 0 when it never saw the records. */
    statusCode: number;
    executedVersion: '$LATEST';
    /** 'Unhandled' when the function threw; absent when it returned (e.g. batchItemFailures). */
    functionError?: string;
  };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
  /**
   * Local addition, not part of Lambda's message: the discarded records' keys and why they were
   * discarded, so an operator can act without reading the stream by sequence number.
   */
  localDetails: {
    functionName: string;
    reason: string;
    records: {
      sequenceNumber: string;
      eventName: string | undefined;
      keys: Record<string, AttributeValue>;
    }[];
    /**
     * The last error per discarded record: what the function logged for that sequence number when the
     * runtime saw it (src/local/stream-poller/record-errors.ts), else the range's reason.
     */
    errors: { sequenceNumber: string; message: string }[];
  };
}

export type DeadLetterWriter = (entry: DeadLetterEntry) => Promise<void>;

/** Appends each entry as one JSON line; appends are chained so concurrent shards never interleave lines. */
export const createFileDeadLetter = (path: string): DeadLetterWriter => {
  let writing: Promise<void> = Promise.resolve();
  return (entry) => {
    writing = writing
      .catch(() => {})
      .then(async () => {
        await mkdir(dirname(path), { recursive: true });
        await appendFile(path, `${JSON.stringify(entry)}\n`);
      });
    return writing;
  };
};

/** Lambda writes arrival times to the second (e.g. 2019-11-14T00:13:19Z). */
const arrival = (epochMs: number | undefined, fallback: Date): string =>
  new Date(epochMs ?? fallback.getTime()).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface DiscardedRange {
  functionName: string;
  functionArn: string;
  streamArn: string;
  shardId: string;
  condition: DeadLetterCondition;
  records: readonly StreamEntry[];
  /** Invocations that included these records (0 if they were never delivered). */
  invocations: number;
  /** The last invocation that included them, if any. */
  lastInvocation: { requestId: string; functionError: string | undefined } | undefined;
  reason: string;
  now: Date;
}

export const buildDeadLetterEntry = (range: DiscardedRange): DeadLetterEntry => {
  const first = range.records[0];
  const last = range.records.at(-1);
  if (!first || !last) throw new Error('a dead-letter entry needs at least one record');
  const responseContext: DeadLetterEntry['responseContext'] = {
    statusCode: range.lastInvocation ? 200 : 0,
    executedVersion: '$LATEST',
  };
  if (range.lastInvocation?.functionError) responseContext.functionError = range.lastInvocation.functionError;
  return {
    requestContext: {
      requestId: range.lastInvocation?.requestId ?? randomUUID(),
      functionArn: range.functionArn,
      condition: range.condition,
      approximateInvokeCount: range.invocations,
    },
    responseContext,
    version: '1.0',
    timestamp: range.now.toISOString(),
    DDBStreamBatchInfo: {
      shardId: range.shardId,
      startSequenceNumber: first.sequenceNumber,
      endSequenceNumber: last.sequenceNumber,
      approximateArrivalOfFirstRecord: arrival(first.createdAtMs, range.now),
      approximateArrivalOfLastRecord: arrival(last.createdAtMs, range.now),
      batchSize: range.records.length,
      streamArn: range.streamArn,
    },
    localDetails: {
      functionName: range.functionName,
      reason: range.reason,
      records: range.records.map((entry) => ({
        sequenceNumber: entry.sequenceNumber,
        eventName: entry.record.eventName,
        keys: entry.record.dynamodb?.Keys ?? {},
      })),
      errors: range.records.map((entry) => ({ sequenceNumber: entry.sequenceNumber, message: range.reason })),
    },
  };
};
