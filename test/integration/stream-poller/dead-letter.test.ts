import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileDeadLetter, type DeadLetterEntry } from '../../../src/local/stream-poller';
import {
  createStreamFixture,
  recordingCheckpointStore,
  recordingHandler,
  type StreamFixture,
  sequenceOf,
  settingsWith,
  waitFor,
} from './support';

describe('stream poller: on-failure destination', () => {
  let fx: StreamFixture;
  beforeEach(async () => {
    fx = await createStreamFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('dead-letters a batch whose retries are exhausted, moves the checkpoint past it and carries on', async () => {
    const keys = ['d0', 'd1', 'd2', 'd3'];
    const before = Date.now();
    await fx.putAlerts(keys);
    let broken = true;
    const handler = recordingHandler(() => {
      if (broken) throw new Error('downstream unavailable');
      return undefined;
    });
    const checkpoints = recordingCheckpointStore();
    const poller = fx.poller({
      invoke: handler.invoke,
      checkpointStore: checkpoints.store,
      settings: settingsWith({ batchSize: 10, maximumRetryAttempts: 2 }),
    });
    await poller.start();
    await poller.idle();

    // The first delivery and two retries.
    expect(handler.batches).toEqual([keys, keys, keys]);
    const [first] = handler.events;
    if (!first) throw new Error('no event');
    const entry = fx.deadLetters[0];
    expect(fx.deadLetters).toHaveLength(1);
    expect(entry?.requestContext).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
      functionArn: 'arn:aws:lambda:ddblocal:000000000000:function:testFunction',
    });
    expect(entry?.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(entry?.responseContext).toEqual({
      statusCode: 200,
      executedVersion: '$LATEST',
      functionError: 'Unhandled',
    });
    expect(entry?.version).toBe('1.0');
    expect(entry?.DDBStreamBatchInfo).toMatchObject({
      startSequenceNumber: sequenceOf(first, 'd0'),
      endSequenceNumber: sequenceOf(first, 'd3'),
      batchSize: 4,
      streamArn: fx.streamArn,
    });
    const firstArrival = Date.parse(entry?.DDBStreamBatchInfo.approximateArrivalOfFirstRecord ?? '');
    const lastArrival = Date.parse(entry?.DDBStreamBatchInfo.approximateArrivalOfLastRecord ?? '');
    // Arrival times lie between the writes and now (DynamoDB Local rounds them down to the minute).
    expect(firstArrival).toBeGreaterThanOrEqual(before - 60_000);
    expect(lastArrival).toBeGreaterThanOrEqual(firstArrival);
    expect(lastArrival).toBeLessThanOrEqual(Date.now());
    expect(entry?.localDetails.reason).toBe('downstream unavailable');
    expect(entry?.localDetails.records.map((r) => r.keys)).toEqual(keys.map((k) => ({ alertId: { S: k } })));
    // The checkpoint moved past the discarded records only once they were written to the destination.
    expect(checkpoints.sets).toEqual([sequenceOf(first, 'd3')]);

    broken = false;
    await fx.putAlerts(['d4', 'd5']);
    await poller.idle();
    // The poller keeps polling: the two writes can land in one read or in two, either is one delivery each.
    expect(handler.batches.slice(3).flat()).toEqual(['d4', 'd5']);
    expect(fx.deadLetters).toHaveLength(1);
  });

  it('dead-letters records older than maximumRecordAgeInSeconds instead of retrying them forever', async () => {
    await fx.putAlerts(['old']);
    const handler = recordingHandler(() => {
      throw new Error('always fails');
    });
    const poller = fx.poller({
      invoke: handler.invoke,
      // Infinite retries: only the age limit can end them. (Lambda's minimum is 60 s; the poller takes any.)
      // 2 s, since stream timestamps are truncated to the second: the record must still be young at first.
      settings: settingsWith({ maximumRetryAttempts: -1, maximumRecordAgeInSeconds: 2 }),
      retryDelayMs: 100,
    });
    await poller.start();
    await waitFor(() => fx.deadLetters.length > 0);
    await poller.idle();

    const entry = fx.deadLetters[0];
    expect(fx.deadLetters).toHaveLength(1);
    expect(entry?.requestContext.condition).toBe('RecordAgeExceeded');
    expect(entry?.requestContext.approximateInvokeCount).toBe(handler.batches.length);
    expect(entry?.responseContext.functionError).toBe('Unhandled');
    expect(entry?.DDBStreamBatchInfo.batchSize).toBe(1);
    expect(handler.batches.length).toBeGreaterThan(1);
    expect(new Set(handler.batches.flat())).toEqual(new Set(['old']));
  });

  it('without a destination, drops exhausted records and continues (as Lambda does)', async () => {
    await fx.putAlerts(['e0', 'e1']);
    const handler = recordingHandler((event) => {
      if (event.Records.some((r) => r.dynamodb?.Keys?.alertId?.S === 'e0')) throw new Error('bad');
      return undefined;
    });
    const poller = fx.poller({
      invoke: handler.invoke,
      settings: settingsWith({
        maximumRetryAttempts: 0,
        bisectBatchOnFunctionError: true,
        onFailureArn: undefined,
      }),
    });
    await poller.start();
    await poller.idle();
    expect(handler.batches).toEqual([['e0', 'e1'], ['e0'], ['e1']]);
    expect(fx.deadLetters).toEqual([]);
  });

  it('createFileDeadLetter appends one JSON line per entry', async () => {
    const dir = await fx.tempDir();
    const path = join(dir, 'nested', 'dlq.jsonl');
    await fx.putAlerts(['f0', 'f1', 'f2']);
    const written: DeadLetterEntry[] = [];
    const fileWriter = createFileDeadLetter(path);
    const handler = recordingHandler((event) => {
      if (event.Records.some((r) => r.dynamodb?.Keys?.alertId?.S !== 'f1'))
        throw new Error('only f1 is fine');
      return undefined;
    });
    const poller = fx.poller({
      invoke: handler.invoke,
      deadLetter: async (entry) => {
        written.push(entry);
        await fileWriter(entry);
      },
      settings: settingsWith({ maximumRetryAttempts: 0, bisectBatchOnFunctionError: true }),
    });
    await poller.start();
    await poller.idle();

    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.map((line) => JSON.parse(line))).toEqual(JSON.parse(JSON.stringify(written)));
    expect(written.map((e) => e.localDetails.records.map((r) => r.keys.alertId?.S))).toEqual([
      ['f0'],
      ['f2'],
    ]);
  });
});
