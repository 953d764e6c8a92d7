import {
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import { RangeGoneError, readRange } from '../../../src/local/dead-letters';

/** A shard as AWS may serve it: some empty pages before the records (GetRecords "might take multiple calls"). */
const shardServing = (pages: StreamRecord[][]) => {
  let calls = 0;
  const client = {
    send: async (command: unknown) => {
      if (command instanceof GetShardIteratorCommand) return { ShardIterator: 'page-0' };
      if (command instanceof GetRecordsCommand) {
        calls += 1;
        const index = Number(command.input.ShardIterator?.split('-')[1]);
        return { Records: pages[index] ?? [], NextShardIterator: `page-${index + 1}` };
      }
      throw new Error('unexpected command');
    },
  } as unknown as DynamoDBStreamsClient;
  return { client, calls: () => calls };
};

const record = (sequenceNumber: string): StreamRecord => ({
  eventName: 'INSERT',
  dynamodb: { SequenceNumber: sequenceNumber },
});
const range = {
  streamArn: 'arn:stream',
  shardId: 'shard-1',
  startSequenceNumber: '5',
  endSequenceNumber: '7',
};

describe('reading a dead-lettered range back from the stream', () => {
  it('reads past empty pages to the records of the range, and stops at its end', async () => {
    const shard = shardServing([
      [],
      [],
      [record('5'), record('6')],
      [],
      [record('7'), record('8')],
      [record('9')],
    ]);
    const records = await readRange(shard.client, range);
    expect(records.map((r) => r.dynamodb?.SequenceNumber)).toEqual(['5', '6', '7']);
    expect(shard.calls()).toBe(5);
  });

  it('says the range is gone when the shard never serves all of it', async () => {
    const shard = shardServing([[record('5'), record('6')]]);
    await expect(readRange(shard.client, range)).rejects.toBeInstanceOf(RangeGoneError);
    expect(shard.calls()).toBeLessThan(30);
  });
});
