import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { localClientConfig } from '../../../src/local/dynamodb-local';
import {
  type CheckpointStore,
  createMemoryCheckpointStore,
  createStreamPoller,
  type DeadLetterEntry,
  type StreamMappingSettings,
  type StreamPoller,
  type StreamPollerOptions,
} from '../../../src/local/stream-poller';
import type { BatchContext } from '../../../src/local/stream-poller/batch-processor';
import type { StreamInvoke } from '../../../src/local/stream-poller/types';
import { createTestTables, type TestTables } from '../../support/tables';

/** Lambda's defaults, plus a destination so discarded records reach the recording dead letter. */
export const settingsWith = (overrides: Partial<StreamMappingSettings> = {}): StreamMappingSettings => ({
  batchSize: 100,
  batchWindowSeconds: 0,
  startingPosition: 'TRIM_HORIZON',
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: -1,
  maximumRecordAgeInSeconds: -1,
  reportBatchItemFailures: false,
  filterPatterns: [],
  onFailureArn: 'TestDeadLetterQueue',
  tumblingWindowSeconds: 0,
  ...overrides,
});

/** The alertId (alerts table) of a record, which the tests use as the record's name. */
export const keyOf = (record: DynamoDBRecord): string => {
  const key = record.dynamodb?.Keys?.alertId?.S;
  if (key === undefined) throw new Error(`record without an alertId key: ${JSON.stringify(record)}`);
  return key;
};

export type Behaviour = (event: DynamoDBStreamEvent, call: number) => DynamoDBBatchResponse | undefined;

/** A handler that records every batch it receives (as key lists) and then behaves as told. */
export const recordingHandler = (behaviour: Behaviour = () => undefined) => {
  const batches: string[][] = [];
  const events: DynamoDBStreamEvent[] = [];
  const invoke = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse | undefined> => {
    batches.push(event.Records.map(keyOf));
    events.push(event);
    return behaviour(event, batches.length);
  };
  return { invoke, batches, events, delivered: () => batches.flat() };
};

/** The sequence number of the record with this key in an event (for batchItemFailures). */
export const sequenceOf = (event: DynamoDBStreamEvent, key: string): string => {
  const record = event.Records.find((r) => keyOf(r) === key);
  const sequence = record?.dynamodb?.SequenceNumber;
  if (!sequence) throw new Error(`no record ${key} in the batch`);
  return sequence;
};

/** A memory store that also remembers every set(), to assert how the checkpoint moved. */
export const recordingCheckpointStore = () => {
  const inner = createMemoryCheckpointStore();
  const sets: string[] = [];
  const store: CheckpointStore = {
    get: (shardId) => inner.get(shardId),
    set: async (shardId, sequenceNumber) => {
      sets.push(sequenceNumber);
      await inner.set(shardId, sequenceNumber);
    },
    entries: () => inner.entries(),
  };
  return { store, sets };
};

export interface StreamFixture {
  tables: TestTables;
  streams: DynamoDBStreamsClient;
  /** The alerts table's stream (fresh tables per fixture, so the stream holds only this test's records). */
  streamArn: string;
  /** Puts alerts one by one, so stream order is the order given. */
  putAlerts(ids: readonly string[], extra?: (id: string) => Record<string, unknown>): Promise<void>;
  /** A poller with fast test timings, stopped by cleanup(). */
  poller(
    options: Omit<StreamPollerOptions, 'streamsClient' | 'streamArn' | 'checkpointStore'> & {
      checkpointStore?: CheckpointStore;
    },
  ): StreamPoller;
  deadLetters: DeadLetterEntry[];
  /** Every sequence number in the (single-shard) stream, read directly, in order. */
  streamSequenceNumbers(): Promise<string[]>;
  tempDir(): Promise<string>;
  cleanup(): Promise<void>;
}

export const createStreamFixture = async (): Promise<StreamFixture> => {
  const tables = await createTestTables();
  const streams = new DynamoDBStreamsClient(localClientConfig(tables.endpoint));
  const described = await tables.client.send(new DescribeTableCommand({ TableName: tables.names.alerts }));
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) throw new Error('the alerts table has no stream');
  const pollers: StreamPoller[] = [];
  const dirs: string[] = [];
  const deadLetters: DeadLetterEntry[] = [];
  return {
    tables,
    streams,
    streamArn,
    deadLetters,
    putAlerts: async (ids, extra = () => ({})) => {
      for (const alertId of ids) {
        await tables.doc.send(
          new PutCommand({
            TableName: tables.names.alerts,
            Item: { alertId, status: 'PENDING', createdAt: Date.now(), ...extra(alertId) },
          }),
        );
      }
    },
    poller: (options) => {
      const poller = createStreamPoller({
        streamsClient: streams,
        streamArn,
        checkpointStore: options.checkpointStore ?? createMemoryCheckpointStore(),
        deadLetter: async (entry) => {
          deadLetters.push(entry);
        },
        functionName: 'testFunction',
        pollIntervalMs: 50,
        retryDelayMs: 20,
        discoveryIntervalMs: 1_000,
        ...options,
      });
      pollers.push(poller);
      return poller;
    },
    streamSequenceNumbers: async () => {
      const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      const shardId = description.StreamDescription?.Shards?.[0]?.ShardId;
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const { Records = [] } = await streams.send(new GetRecordsCommand({ ShardIterator }));
      return Records.flatMap((r) => (r.dynamodb?.SequenceNumber ? [r.dynamodb.SequenceNumber] : []));
    },
    tempDir: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'stream-poller-'));
      dirs.push(dir);
      return dir;
    },
    cleanup: async () => {
      await Promise.all(pollers.map((p) => p.stop()));
      streams.destroy();
      tables.client.destroy();
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
};

/** Waits until `condition` holds (for handlers that never let the poller go idle). */
export const waitFor = async (condition: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/**
 * A BatchContext for processBatch without DynamoDB or waiting: commits (as numbers) and dead letters are
 * recorded, the clock stands at `now`, and `stopping` says when the poller would be stopping.
 */
export const offlineBatchContext = (
  settings: StreamMappingSettings,
  invoke: StreamInvoke,
  options: { now: number; stopping?: () => boolean },
) => {
  const commits: number[] = [];
  const deadLetters: DeadLetterEntry[] = [];
  const ctx: BatchContext = {
    shardId: 'shardId-1',
    streamArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/x',
    functionName: 'fn',
    functionArn: 'arn:aws:lambda:ddblocal:000000000000:function:fn',
    settings,
    invoke,
    deadLetter: async (entry) => {
      deadLetters.push(entry);
    },
    commit: async (sequenceNumber) => {
      commits.push(Number(sequenceNumber));
    },
    retryDelayMs: 0,
    sleep: async () => true,
    stopping: options.stopping ?? (() => false),
    now: () => options.now,
    logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  };
  return { ctx, commits, deadLetters };
};
