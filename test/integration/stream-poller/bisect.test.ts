import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createStreamFixture,
  keyOf,
  recordingHandler,
  type StreamFixture,
  sequenceOf,
  settingsWith,
} from './support';

describe('stream poller: bisectBatchOnFunctionError', () => {
  let fx: StreamFixture;
  beforeEach(async () => {
    fx = await createStreamFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('isolates a poison record by halving, delivers the good ones, and dead-letters the poison one after its retries', async () => {
    const keys = ['b0', 'b1', 'b2', 'b3', 'poison', 'b5', 'b6', 'b7'];
    await fx.putAlerts(keys);
    const handler = recordingHandler((event) => {
      if (event.Records.some((r) => keyOf(r) === 'poison')) throw new Error('cannot digest poison');
      return undefined;
    });
    const poller = fx.poller({
      invoke: handler.invoke,
      settings: settingsWith({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 2 }),
    });
    await poller.start();
    await poller.idle();

    expect(handler.batches).toEqual([
      keys, // fails: split in two
      ['b0', 'b1', 'b2', 'b3'], // ok
      ['poison', 'b5', 'b6', 'b7'], // fails: split
      ['poison', 'b5'], // fails: split
      ['poison'], // fails: nothing left to split, so it is retried...
      ['poison'], // retry 1
      ['poison'], // retry 2 = maximumRetryAttempts: dead-lettered
      ['b5'],
      ['b6', 'b7'],
    ]);
    // Every good record was delivered successfully exactly once in a batch without the poison.
    const succeeded = handler.batches.filter((batch) => !batch.includes('poison')).flat();
    expect(succeeded.sort()).toEqual(keys.filter((k) => k !== 'poison').sort());

    const [first] = handler.events;
    if (!first) throw new Error('no event');
    const poisonSequence = sequenceOf(first, 'poison');
    expect(fx.deadLetters).toHaveLength(1);
    const entry = fx.deadLetters[0];
    expect(entry).toMatchObject({
      requestContext: {
        condition: 'RetryAttemptsExhausted',
        functionArn: 'arn:aws:lambda:ddblocal:000000000000:function:testFunction',
        // Six invocations carried the poison record: the full batch, two halves, and three times alone.
        approximateInvokeCount: 6,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      DDBStreamBatchInfo: {
        startSequenceNumber: poisonSequence,
        endSequenceNumber: poisonSequence,
        batchSize: 1,
        streamArn: fx.streamArn,
      },
      localDetails: {
        functionName: 'testFunction',
        reason: 'cannot digest poison',
        records: [
          { sequenceNumber: poisonSequence, eventName: 'INSERT', keys: { alertId: { S: 'poison' } } },
        ],
      },
    });
    expect(entry?.DDBStreamBatchInfo.shardId).toMatch(/^shardId-/);
    expect(entry?.DDBStreamBatchInfo.approximateArrivalOfFirstRecord).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    expect(Date.parse(entry?.timestamp ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('without bisect, retries the whole batch and dead-letters all of it', async () => {
    const keys = ['c0', 'poison', 'c2'];
    await fx.putAlerts(keys);
    const handler = recordingHandler((event) => {
      if (event.Records.some((r) => keyOf(r) === 'poison')) throw new Error('poison');
      return undefined;
    });
    const poller = fx.poller({ invoke: handler.invoke, settings: settingsWith({ maximumRetryAttempts: 1 }) });
    await poller.start();
    await poller.idle();

    expect(handler.batches).toEqual([keys, keys]);
    expect(fx.deadLetters.map((e) => e.DDBStreamBatchInfo.batchSize)).toEqual([3]);
  });
});
