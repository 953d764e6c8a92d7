import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { processBatch } from '../../../src/local/stream-poller/batch-processor';
import type { StreamEntry } from '../../../src/local/stream-poller/lambda-record';
import { offlineBatchContext, settingsWith } from './support';

// Unit tests of the retry/bisect rules without DynamoDB: the counting is easiest to pin down here.

const NOW = Date.parse('2030-01-01T00:00:00Z');

const entry = (n: number, ageSeconds = 0): StreamEntry => {
  const created = NOW - ageSeconds * 1000;
  return {
    sequenceNumber: String(n).padStart(21, '0'),
    createdAtMs: created,
    ageFromMs: created,
    record: {
      eventID: `e${n}`,
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: { Keys: { id: { S: `r${n}` } }, SequenceNumber: String(n).padStart(21, '0') },
    },
  };
};
const ids = (event: DynamoDBStreamEvent) => event.Records.map((r) => Number(r.dynamodb?.SequenceNumber));

const harness = (
  overrides: Partial<ReturnType<typeof settingsWith>>,
  behaviour: (event: DynamoDBStreamEvent, call: number) => DynamoDBBatchResponse | undefined,
  options: { stopAfterCalls?: number } = {},
) => {
  const calls: number[][] = [];
  const { ctx, commits, deadLetters } = offlineBatchContext(
    settingsWith(overrides),
    async (event) => {
      calls.push(ids(event));
      return behaviour(event, calls.length);
    },
    {
      now: NOW,
      stopping: () => options.stopAfterCalls !== undefined && calls.length >= options.stopAfterCalls,
    },
  );
  return { ctx, calls, commits, deadLetters };
};

const fail = (): never => {
  throw new Error('boom');
};
const seq = (event: DynamoDBStreamEvent, n: number) => ({
  itemIdentifier:
    event.Records.find((r) => Number(r.dynamodb?.SequenceNumber) === n)?.dynamodb?.SequenceNumber ?? '',
});

describe('processBatch: retry and bisect counting', () => {
  it('maximumRetryAttempts 0: one delivery, then the destination', async () => {
    const h = harness({ maximumRetryAttempts: 0 }, fail);
    expect(await processBatch([entry(1), entry(2)], h.ctx)).toBe('done');
    expect(h.calls).toEqual([[1, 2]]);
    expect(h.deadLetters.map((e) => e.requestContext.approximateInvokeCount)).toEqual([1]);
    expect(h.commits).toEqual([2]);
  });

  it('infinite retries: a transient failure is retried until it passes, nothing is discarded', async () => {
    const h = harness({ maximumRetryAttempts: -1 }, (_e, call) => (call <= 5 ? fail() : undefined));
    await processBatch([entry(1)], h.ctx);
    expect(h.calls).toHaveLength(6);
    expect(h.deadLetters).toEqual([]);
    expect(h.commits).toEqual([1]);
  });

  it('splits do not spend retries; halves inherit the retries already spent', async () => {
    // 1: item 2 reported -> [2,3,4] is retry 1. 2: throws -> split (no retry) into [2,3] and [4], both at
    // retry 1. 3: [2,3] throws -> split into [2] and [3]. 4: [2] throws -> retries exhausted (1 of 1) ->
    // destination. 5, 6: [3] and [4] succeed.
    const h = harness(
      { maximumRetryAttempts: 1, bisectBatchOnFunctionError: true, reportBatchItemFailures: true },
      (event, call) => {
        if (call === 1) return { batchItemFailures: [seq(event, 2)] };
        if (ids(event).includes(2)) fail();
        return undefined;
      },
    );
    await processBatch([entry(1), entry(2), entry(3), entry(4)], h.ctx);
    expect(h.calls).toEqual([[1, 2, 3, 4], [2, 3, 4], [2, 3], [2], [3], [4]]);
    expect(h.commits).toEqual([1, 2, 3, 4]);
    expect(h.deadLetters).toHaveLength(1);
    // Every invocation so far carried record 2.
    expect(h.deadLetters[0]?.requestContext.approximateInvokeCount).toBe(4);
    expect(h.deadLetters[0]?.DDBStreamBatchInfo.batchSize).toBe(1);
  });

  it('odd batches split with the larger half first', async () => {
    const h = harness({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 0 }, (event) =>
      ids(event).includes(3) ? fail() : undefined,
    );
    await processBatch([entry(1), entry(2), entry(3), entry(4), entry(5)], h.ctx);
    expect(h.calls).toEqual([[1, 2, 3, 4, 5], [1, 2, 3], [1, 2], [3], [4, 5]]);
  });

  it('records past maximumRecordAgeInSeconds go to the destination undelivered; the rest are delivered', async () => {
    const h = harness({ maximumRecordAgeInSeconds: 60 }, () => undefined);
    await processBatch([entry(1, 120), entry(2, 61), entry(3, 10)], h.ctx);
    expect(h.calls).toEqual([[3]]);
    expect(h.deadLetters).toHaveLength(1);
    expect(h.deadLetters[0]).toMatchObject({
      requestContext: { condition: 'RecordAgeExceeded', approximateInvokeCount: 0 },
      responseContext: { statusCode: 0, executedVersion: '$LATEST' },
      DDBStreamBatchInfo: { batchSize: 2, startSequenceNumber: entry(1).sequenceNumber },
    });
    expect(h.commits).toEqual([2, 3]);
  });

  it('a stop during retries returns without moving the checkpoint past the failing records', async () => {
    const h = harness({ maximumRetryAttempts: -1 }, fail, { stopAfterCalls: 2 });
    expect(await processBatch([entry(1), entry(2)], h.ctx)).toBe('stopped');
    expect(h.calls).toHaveLength(2);
    expect(h.commits).toEqual([]);
  });

  it('a handler mutating its event does not change what a retry delivers', async () => {
    const h = harness({ maximumRetryAttempts: 1 }, (event, call) => {
      event.Records.splice(0, 1);
      return call === 1 ? fail() : undefined;
    });
    await processBatch([entry(1), entry(2)], h.ctx);
    expect(h.calls).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });
});
