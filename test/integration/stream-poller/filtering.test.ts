import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createStreamFixture,
  recordingCheckpointStore,
  recordingHandler,
  type StreamFixture,
  settingsWith,
} from './support';

describe('stream poller: filter patterns', () => {
  let fx: StreamFixture;
  beforeEach(async () => {
    fx = await createStreamFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('delivers only matching records and checkpoints past the dropped ones', async () => {
    const { doc, names } = fx.tables;
    await fx.putAlerts(['approved0', 'pending0', 'approved1'], (id) => ({
      status: id.startsWith('approved') ? 'APPROVED' : 'PENDING',
    }));
    await doc.send(
      new UpdateCommand({
        TableName: names.alerts,
        Key: { alertId: 'pending0' },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'APPROVED' },
      }),
    );
    // REMOVE: has an OldImage with APPROVED, but the eventName filter drops it; it is the stream's last record.
    await doc.send(new DeleteCommand({ TableName: names.alerts, Key: { alertId: 'approved0' } }));

    const handler = recordingHandler();
    const checkpoints = recordingCheckpointStore();
    const poller = fx.poller({
      invoke: handler.invoke,
      checkpointStore: checkpoints.store,
      settings: settingsWith({
        filterPatterns: [
          { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { status: { S: ['APPROVED'] } } } },
        ],
      }),
    });
    await poller.start();
    await poller.idle();

    expect(handler.batches).toEqual([['approved0', 'approved1', 'pending0']]);
    expect(handler.events[0]?.Records.map((r) => r.eventName)).toEqual(['INSERT', 'INSERT', 'MODIFY']);
    const sequenceNumbers = await fx.streamSequenceNumbers();
    expect(sequenceNumbers).toHaveLength(5);
    // Done up to the very last record, although the function never saw it.
    expect(checkpoints.sets.at(-1)).toBe(sequenceNumbers.at(-1));
  });

  it('with several patterns, a record passes when any of them matches', async () => {
    await fx.putAlerts(['x-low', 'y-high', 'z-none'], (id) => ({
      severity: id.endsWith('none') ? undefined : id.split('-')[1],
      status: 'PENDING',
    }));
    const handler = recordingHandler();
    const poller = fx.poller({
      invoke: handler.invoke,
      settings: settingsWith({
        filterPatterns: [
          { dynamodb: { NewImage: { severity: { S: ['high'] } } } },
          { dynamodb: { Keys: { alertId: { S: [{ prefix: 'x-' }] } } } },
        ],
      }),
    });
    await poller.start();
    await poller.idle();
    expect(handler.delivered()).toEqual(['x-low', 'y-high']);
  });

  it('an all-filtered stream still moves the checkpoint, so a restart does not re-read it', async () => {
    await fx.putAlerts(['p0', 'p1']);
    const handler = recordingHandler();
    const checkpoints = recordingCheckpointStore();
    const poller = fx.poller({
      invoke: handler.invoke,
      checkpointStore: checkpoints.store,
      settings: settingsWith({ filterPatterns: [{ eventName: ['REMOVE'] }] }),
    });
    await poller.start();
    await poller.idle();
    expect(handler.batches).toEqual([]);
    expect(checkpoints.sets).toEqual([(await fx.streamSequenceNumbers()).at(-1)]);
  });
});
