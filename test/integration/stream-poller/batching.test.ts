import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStreamFixture, recordingHandler, type StreamFixture, settingsWith } from './support';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('stream poller: batching and event shape', () => {
  let fx: StreamFixture;
  beforeEach(async () => {
    fx = await createStreamFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('never puts more than batchSize records in a batch, and keeps stream order', async () => {
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6'];
    await fx.putAlerts(keys);
    const handler = recordingHandler();
    const poller = fx.poller({ invoke: handler.invoke, settings: settingsWith({ batchSize: 3 }) });
    await poller.start();
    await poller.idle();
    expect(handler.batches).toEqual([['k0', 'k1', 'k2'], ['k3', 'k4', 'k5'], ['k6']]);
  });

  it('with batchWindow, gathers records written over time into one batch', async () => {
    const handler = recordingHandler();
    const poller = fx.poller({ invoke: handler.invoke, settings: settingsWith({ batchWindowSeconds: 1 }) });
    await poller.start();
    const startedAt = Date.now();
    for (const key of ['w0', 'w1', 'w2', 'w3']) {
      await fx.putAlerts([key]);
      await pause(120);
    }
    // Polls every 50 ms would have seen these one by one; the window holds them back.
    expect(handler.batches).toEqual([]);
    await poller.idle();
    expect(handler.batches).toEqual([['w0', 'w1', 'w2', 'w3']]);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000);
  });

  it('with batchWindow, a full batch goes at once and the remainder waits for the window', async () => {
    await fx.putAlerts(['f0', 'f1', 'f2', 'f3', 'f4']);
    const handler = recordingHandler();
    const deliveredAt: number[] = [];
    const poller = fx.poller({
      invoke: async (event) => {
        deliveredAt.push(Date.now());
        return handler.invoke(event);
      },
      settings: settingsWith({ batchSize: 2, batchWindowSeconds: 1 }),
    });
    const startedAt = Date.now();
    await poller.start();
    await poller.idle();
    expect(handler.batches).toEqual([['f0', 'f1'], ['f2', 'f3'], ['f4']]);
    expect((deliveredAt[1] ?? 0) - startedAt).toBeLessThan(900);
    expect((deliveredAt[2] ?? 0) - startedAt).toBeGreaterThanOrEqual(950);
  });

  it('delivers records shaped as Lambda does (epoch-second timestamps, base64 binaries, the stream ARN)', async () => {
    const { doc, names } = fx.tables;
    await doc.send(
      new PutCommand({
        TableName: names.alerts,
        Item: {
          alertId: 'shape',
          status: 'PENDING',
          createdAt: 1700000000000,
          blob: new Uint8Array([1, 2, 3]),
        },
      }),
    );
    await doc.send(
      new UpdateCommand({
        TableName: names.alerts,
        Key: { alertId: 'shape' },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'APPROVED' },
      }),
    );
    const handler = recordingHandler();
    const poller = fx.poller({ invoke: handler.invoke, settings: settingsWith() });
    await poller.start();
    await poller.idle();

    const [insert, modify] = handler.events[0]?.Records ?? [];
    const newImage = {
      alertId: { S: 'shape' },
      status: { S: 'PENDING' },
      createdAt: { N: '1700000000000' },
      blob: { B: 'AQID' },
    };
    expect(insert).toEqual({
      eventID: expect.any(String),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ddblocal',
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { alertId: { S: 'shape' } },
        NewImage: newImage,
        SequenceNumber: expect.stringMatching(/^\d+$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: fx.streamArn,
    });
    const seconds = insert?.dynamodb?.ApproximateCreationDateTime ?? 0;
    expect(Math.abs(seconds - Date.now() / 1000)).toBeLessThan(120);
    expect(modify?.eventName).toBe('MODIFY');
    expect(modify?.dynamodb?.OldImage).toEqual(newImage);
    expect(modify?.dynamodb?.NewImage?.status).toEqual({ S: 'APPROVED' });
  });
});
