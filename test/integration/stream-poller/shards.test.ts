import {
  type _Record,
  DescribeStreamCommand,
  type DescribeStreamCommandInput,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandInput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMemoryCheckpointStore,
  createStreamPoller,
  type StreamPoller,
  type StreamPollerOptions,
} from '../../../src/local/stream-poller';
import { recordingHandler, settingsWith } from './support';

/**
 * Shard lineage, pagination and iterator expiry cannot be provoked in DynamoDB Local (it keeps one shard
 * for hours), so these tests run the poller against a scripted DynamoDB Streams API.
 */
const STREAM_ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/2030-01-01T00:00:00.000';
const sequence = (n: number) => String(n).padStart(21, '0');

interface FakeShard {
  id: string;
  parent?: string;
  closed: boolean;
  records: number[];
}

const fakeStream = (shards: FakeShard[], options: { pageSize?: number; expireIterators?: number } = {}) => {
  const client = new DynamoDBStreamsClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const mock = mockClient(client);
  const reads: string[] = [];
  let expiriesLeft = options.expireIterators ?? 0;
  let handedOut = 0;
  const record = (n: number): _Record => ({
    eventID: `e${n}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ddblocal',
    dynamodb: {
      ApproximateCreationDateTime: new Date(),
      Keys: { alertId: { S: `r${n}` } },
      SequenceNumber: sequence(n),
      SizeBytes: 10,
      StreamViewType: 'KEYS_ONLY',
    },
  });
  const find = (id: string | undefined): FakeShard => {
    const shard = shards.find((s) => s.id === id);
    if (!shard) throw new Error(`unknown shard ${id}`);
    return shard;
  };
  mock.on(DescribeStreamCommand).callsFake((input: DescribeStreamCommandInput) => {
    const pageSize = options.pageSize ?? 100;
    const start = input.ExclusiveStartShardId
      ? shards.findIndex((s) => s.id === input.ExclusiveStartShardId) + 1
      : 0;
    const page = shards.slice(start, start + pageSize);
    const listed: Shard[] = page.map((s) => ({
      ShardId: s.id,
      ...(s.parent ? { ParentShardId: s.parent } : {}),
      SequenceNumberRange: {
        StartingSequenceNumber: sequence(s.records[0] ?? 0),
        ...(s.closed ? { EndingSequenceNumber: sequence(s.records.at(-1) ?? 0) } : {}),
      },
    }));
    const more = start + pageSize < shards.length;
    return {
      StreamDescription: {
        StreamArn: STREAM_ARN,
        Shards: listed,
        ...(more ? { LastEvaluatedShardId: page.at(-1)?.id } : {}),
      },
    };
  });
  mock.on(GetShardIteratorCommand).callsFake((input: GetShardIteratorCommandInput) => {
    const shard = find(input.ShardId);
    let index = 0;
    if (input.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER')
      index = shard.records.findIndex((n) => sequence(n) === input.SequenceNumber) + 1;
    if (input.ShardIteratorType === 'LATEST') index = shard.records.length;
    handedOut += 1;
    return { ShardIterator: `${shard.id}|${index}|${handedOut}` };
  });
  mock.on(GetRecordsCommand).callsFake((input: GetRecordsCommandInput) => {
    const [id, indexText] = (input.ShardIterator ?? '').split('|');
    const shard = find(id);
    const index = Number(indexText);
    if (index > 0 && expiriesLeft > 0) {
      expiriesLeft -= 1;
      throw new ExpiredIteratorException({ message: 'Iterator expired', $metadata: {} });
    }
    const records = shard.records.slice(index, index + 2).map(record);
    reads.push(`${shard.id}:${records.map((r) => r.dynamodb?.Keys?.alertId?.S).join(',')}`);
    const next = index + records.length;
    const atEnd = next >= shard.records.length;
    return {
      Records: records,
      ...(shard.closed && atEnd ? {} : { NextShardIterator: `${shard.id}|${next}|${handedOut}` }),
    };
  });
  return { client, reads, mock };
};

describe('stream poller: shards', () => {
  const pollers: StreamPoller[] = [];
  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((p) => p.stop()));
  });
  const poller = (
    options: Omit<StreamPollerOptions, 'streamArn' | 'deadLetter' | 'checkpointStore'> &
      Partial<Pick<StreamPollerOptions, 'checkpointStore'>>,
  ) => {
    const created = createStreamPoller({
      streamArn: STREAM_ARN,
      checkpointStore: createMemoryCheckpointStore(),
      pollIntervalMs: 10,
      retryDelayMs: 0,
      discoveryIntervalMs: 50,
      deadLetter: async () => {},
      ...options,
    });
    pollers.push(created);
    return created;
  };

  it('reads a closed parent to its end before its child, across paginated shard lists', async () => {
    const stream = fakeStream(
      [
        { id: 'shard-child', parent: 'shard-parent', closed: false, records: [4, 5, 6] },
        { id: 'shard-parent', closed: true, records: [1, 2, 3] },
        { id: 'shard-other', closed: false, records: [7] },
      ],
      { pageSize: 1 },
    );
    const handler = recordingHandler();
    const p = poller({ streamsClient: stream.client, invoke: handler.invoke, settings: settingsWith() });
    await p.start();
    await p.idle();

    const childFirstRead = stream.reads.findIndex((r) => r.startsWith('shard-child:'));
    const parentLastRead = stream.reads.findLastIndex((r) => r.startsWith('shard-parent:'));
    expect(parentLastRead).toBeGreaterThanOrEqual(0);
    expect(childFirstRead).toBeGreaterThan(parentLastRead);
    const delivered = handler.delivered();
    expect([...delivered].sort()).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
    // Lineage order: every parent record before any child record.
    expect(delivered.filter((k) => ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'].includes(k))).toEqual([
      'r1',
      'r2',
      'r3',
      'r4',
      'r5',
      'r6',
    ]);
    expect(p.status().shards.find((s) => s.shardId === 'shard-parent')?.finished).toBe(true);
  });

  it('refreshes an expired iterator at the read position without losing or repeating records', async () => {
    const stream = fakeStream([{ id: 'shard-a', closed: false, records: [1, 2, 3, 4, 5] }], {
      expireIterators: 2,
    });
    const handler = recordingHandler();
    const p = poller({ streamsClient: stream.client, invoke: handler.invoke, settings: settingsWith() });
    await p.start();
    await p.idle();
    expect(handler.delivered()).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('resumes each shard from its checkpoint; a finished parent is not read again', async () => {
    const stream = fakeStream([
      { id: 'shard-parent', closed: true, records: [1, 2, 3] },
      { id: 'shard-child', parent: 'shard-parent', closed: false, records: [4, 5, 6] },
    ]);
    const handler = recordingHandler();
    const p = poller({
      streamsClient: stream.client,
      invoke: handler.invoke,
      settings: settingsWith({ startingPosition: 'LATEST' }),
      checkpointStore: createMemoryCheckpointStore({
        'shard-parent': sequence(3),
        'shard-child': sequence(4),
      }),
    });
    await p.start();
    await p.idle();
    expect(handler.delivered()).toEqual(['r5', 'r6']);
  });

  it('with LATEST, skips the records of the shards present at start but reads a later shard from its start', async () => {
    const shards: FakeShard[] = [{ id: 'shard-1', closed: false, records: [1, 2] }];
    const stream = fakeStream(shards);
    const handler = recordingHandler();
    const p = poller({
      streamsClient: stream.client,
      invoke: handler.invoke,
      settings: settingsWith({ startingPosition: 'LATEST' }),
    });
    await p.start();
    await p.idle();
    expect(handler.delivered()).toEqual([]);

    // The shard closes and a child appears holding records written after the start.
    shards[0] = { id: 'shard-1', closed: true, records: [1, 2, 3] };
    shards.push({ id: 'shard-2', parent: 'shard-1', closed: false, records: [4, 5] });
    await p.idle();
    expect(handler.delivered()).toEqual(['r3', 'r4', 'r5']);
  });
});
