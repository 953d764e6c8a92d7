import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createStreamFixture,
  recordingCheckpointStore,
  recordingHandler,
  type StreamFixture,
  sequenceOf,
  settingsWith,
} from './support';

describe('stream poller: ReportBatchItemFailures', () => {
  let fx: StreamFixture;
  beforeEach(async () => {
    fx = await createStreamFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  const keys = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5'];

  it('moves the checkpoint to just before the failed record and redelivers only from there', async () => {
    await fx.putAlerts(keys);
    const handler = recordingHandler((event, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: sequenceOf(event, 'a3') }] } : undefined,
    );
    const checkpoints = recordingCheckpointStore();
    const poller = fx.poller({
      invoke: handler.invoke,
      checkpointStore: checkpoints.store,
      settings: settingsWith({ reportBatchItemFailures: true }),
    });
    await poller.start();
    await poller.idle();

    expect(handler.batches).toEqual([keys, ['a3', 'a4', 'a5']]);
    const [first] = handler.events;
    if (!first) throw new Error('no event');
    // First the checkpoint stops after a2 (a3 failed), then it moves past the redelivered rest.
    expect(checkpoints.sets).toEqual([sequenceOf(first, 'a2'), sequenceOf(first, 'a5')]);
    expect(fx.deadLetters).toEqual([]);
  });

  it('resumes from the lowest of several reported failures, whatever their order', async () => {
    await fx.putAlerts(keys);
    const handler = recordingHandler((event, call) =>
      call === 1
        ? {
            batchItemFailures: [
              { itemIdentifier: sequenceOf(event, 'a4') },
              { itemIdentifier: sequenceOf(event, 'a1') },
            ],
          }
        : undefined,
    );
    const poller = fx.poller({
      invoke: handler.invoke,
      settings: settingsWith({ reportBatchItemFailures: true }),
    });
    await poller.start();
    await poller.idle();

    expect(handler.batches).toEqual([keys, ['a1', 'a2', 'a3', 'a4', 'a5']]);
  });

  it('treats an itemIdentifier that is not in the batch, or empty, as a failure of the whole batch', async () => {
    await fx.putAlerts(keys);
    const handler = recordingHandler((_event, call) => {
      if (call === 1) return { batchItemFailures: [{ itemIdentifier: 'not-a-sequence-number' }] };
      if (call === 2) return { batchItemFailures: [{ itemIdentifier: '' }] };
      return { batchItemFailures: [] };
    });
    const poller = fx.poller({
      invoke: handler.invoke,
      settings: settingsWith({ reportBatchItemFailures: true }),
    });
    await poller.start();
    await poller.idle();

    expect(handler.batches).toEqual([keys, keys, keys]);
  });

  it('ignores batchItemFailures when the mapping does not report item failures', async () => {
    await fx.putAlerts(keys);
    const handler = recordingHandler((event) => ({
      batchItemFailures: [{ itemIdentifier: sequenceOf(event, 'a3') }],
    }));
    const poller = fx.poller({
      invoke: handler.invoke,
      settings: settingsWith({ reportBatchItemFailures: false }),
    });
    await poller.start();
    await poller.idle();

    expect(handler.batches).toEqual([keys]);
  });

  it('counts each redelivery of the remainder as a retry and dead-letters the whole remainder when they run out', async () => {
    await fx.putAlerts(keys);
    const handler = recordingHandler((event) =>
      event.Records.some((r) => r.dynamodb?.Keys?.alertId?.S === 'a3')
        ? { batchItemFailures: [{ itemIdentifier: sequenceOf(event, 'a3') }] }
        : undefined,
    );
    const poller = fx.poller({
      invoke: handler.invoke,
      // Bisect does not split on reported item failures: Lambda "bisects at the returned sequence number".
      settings: settingsWith({
        reportBatchItemFailures: true,
        maximumRetryAttempts: 1,
        bisectBatchOnFunctionError: true,
      }),
    });
    await poller.start();
    await poller.idle();

    expect(handler.batches).toEqual([keys, ['a3', 'a4', 'a5']]);
    const [first] = handler.events;
    if (!first) throw new Error('no event');
    expect(fx.deadLetters).toHaveLength(1);
    expect(fx.deadLetters[0]).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 2 },
      // The function returned normally: Lambda reports no functionError for item failures.
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      DDBStreamBatchInfo: {
        startSequenceNumber: sequenceOf(first, 'a3'),
        endSequenceNumber: sequenceOf(first, 'a5'),
        batchSize: 3,
        streamArn: fx.streamArn,
      },
    });
    expect(fx.deadLetters[0]?.responseContext.functionError).toBeUndefined();
  });
});
