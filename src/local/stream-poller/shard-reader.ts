import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { PollerLogger } from './types';

export type ReadPosition =
  | { type: 'TRIM_HORIZON' }
  | { type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string };

export interface ShardPage {
  records: _Record[];
  /** The shard is closed and has been read to its end: its children may start. */
  ended: boolean;
}

/**
 * Reads one shard page by page and owns its iterator. The iterator follows the read position (the last
 * record returned), not the checkpoint: on ExpiredIteratorException a fresh iterator is taken after the
 * last record read, so nothing already buffered is read twice; `reset()` repositions at the checkpoint when
 * the worker drops its buffer after an error.
 */
export interface ShardReader {
  read(signal: AbortSignal): Promise<ShardPage>;
  reset(position: ReadPosition): void;
}

export interface ShardReaderOptions {
  client: DynamoDBStreamsClient;
  streamArn: string;
  shardId: string;
  position: ReadPosition;
  logger: PollerLogger;
  /** GetRecords Limit; 1000 is the API's maximum. */
  limit?: number;
}

const errorName = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);

export const createShardReader = (options: ShardReaderOptions): ShardReader => {
  const { client, streamArn, shardId, logger } = options;
  let position = options.position;
  // undefined: open one before the next read; null: the shard has ended.
  let iterator: string | undefined | null;

  const open = async (signal: AbortSignal): Promise<string | null> => {
    const response = await client.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: position.type,
        ...(position.type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: position.sequenceNumber } : {}),
      }),
      { abortSignal: signal },
    );
    return response.ShardIterator ?? null;
  };

  const read = async (signal: AbortSignal): Promise<ShardPage> => {
    // Two recoveries at most (expired iterator, trimmed position); a third failure is the caller's to handle.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        if (iterator === undefined) iterator = await open(signal);
        if (iterator === null) return { records: [], ended: true };
        const response = await client.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: options.limit ?? 1000 }),
          { abortSignal: signal },
        );
        const records = response.Records ?? [];
        const last = records.at(-1)?.dynamodb?.SequenceNumber;
        if (last) position = { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: last };
        iterator = response.NextShardIterator ?? null;
        return { records, ended: iterator === null };
      } catch (error) {
        switch (errorName(error)) {
          case 'ExpiredIteratorException':
            logger.debug('shard iterator expired; reopening at the read position', { shardId, position });
            iterator = undefined;
            continue;
          case 'TrimmedDataAccessException':
            // The position fell out of the stream's retention: like Lambda, carry on from the oldest record.
            logger.warn('stream position trimmed; continuing from TRIM_HORIZON', { shardId, position });
            position = { type: 'TRIM_HORIZON' };
            iterator = undefined;
            continue;
          case 'ResourceNotFoundException':
            logger.warn('shard no longer exists; treating it as ended', { shardId });
            iterator = null;
            return { records: [], ended: true };
          default:
            throw error;
        }
      }
    }
    throw new Error(`could not read shard ${shardId} of ${streamArn}`);
  };

  return {
    read,
    reset: (next) => {
      position = next;
      iterator = undefined;
    },
  };
};

/** Every shard of the stream, all DescribeStream pages (the poller's discovery and `replay` share it). */
export const describeShards = async (
  client: DynamoDBStreamsClient,
  streamArn: string,
  signal: AbortSignal,
) => {
  const shards: Shard[] = [];
  let exclusiveStartShardId: string | undefined;
  do {
    const { StreamDescription } = await client.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      { abortSignal: signal },
    );
    shards.push(...(StreamDescription?.Shards ?? []));
    exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
  } while (exclusiveStartShardId);
  return shards;
};
