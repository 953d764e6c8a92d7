import { readdir, readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointFilePath, createFileCheckpointStore, SHARD_START } from '../../../src/local/stream-poller';
import {
  createStreamFixture,
  keyOf,
  recordingHandler,
  type StreamFixture,
  settingsWith,
  waitFor,
} from './support';

describe('stream poller: restart with a file checkpoint store', () => {
  let fx: StreamFixture;
  beforeEach(async () => {
    fx = await createStreamFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  const fileStore = (dir: string) =>
    createFileCheckpointStore({ dir, consumer: 'testFunction', streamArn: fx.streamArn });

  it('resumes after the last checkpoint: nothing replayed, nothing lost', async () => {
    const dir = await fx.tempDir();
    await fx.putAlerts(['r0', 'r1', 'r2', 'r3', 'r4']);
    const first = recordingHandler();
    const before = fx.poller({
      invoke: first.invoke,
      checkpointStore: fileStore(dir),
      settings: settingsWith(),
    });
    await before.start();
    await before.idle();
    await before.stop();
    expect(first.delivered()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);

    await fx.putAlerts(['r5', 'r6', 'r7']);
    const second = recordingHandler();
    // A new store object reading the same file, as after a process restart.
    const after = fx.poller({
      invoke: second.invoke,
      checkpointStore: fileStore(dir),
      settings: settingsWith(),
    });
    await after.start();
    await after.idle();
    expect(second.delivered()).toEqual(['r5', 'r6', 'r7']);

    // One file, written atomically (no temp files left), holding the last sequence number per shard.
    expect(await readdir(dir)).toEqual([
      checkpointFilePath({ dir, consumer: 'testFunction', streamArn: fx.streamArn }).slice(dir.length + 1),
    ]);
    const saved = JSON.parse(
      await readFile(checkpointFilePath({ dir, consumer: 'testFunction', streamArn: fx.streamArn }), 'utf8'),
    );
    expect(saved).toMatchObject({ version: 1, consumer: 'testFunction', streamArn: fx.streamArn });
    const lastSequence = second.events.at(-1)?.Records.at(-1)?.dynamodb?.SequenceNumber;
    expect(Object.values(saved.shards)).toEqual([lastSequence]);
  });

  it('stopped while a record keeps failing, a restart redelivers from that record on', async () => {
    const dir = await fx.tempDir();
    await fx.putAlerts(['s0', 's1', 's2', 's3', 's4']);
    const failing = recordingHandler((event) => {
      if (event.Records.some((r) => keyOf(r) === 's2')) throw new Error('s2 fails until the fix is deployed');
      return undefined;
    });
    const before = fx.poller({
      invoke: failing.invoke,
      checkpointStore: fileStore(dir),
      settings: settingsWith({ batchSize: 1 }),
    });
    await before.start();
    await waitFor(() => failing.batches.filter((b) => b.includes('s2')).length >= 3);
    await before.stop();
    const deliveriesAtStop = failing.batches.length;
    // stop() waited for the invocation in flight; nothing is delivered after it resolves.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(failing.batches).toHaveLength(deliveriesAtStop);
    expect(new Set(failing.delivered())).toEqual(new Set(['s0', 's1', 's2']));

    await fx.putAlerts(['s5']);
    const fixed = recordingHandler();
    const after = fx.poller({
      invoke: fixed.invoke,
      checkpointStore: fileStore(dir),
      settings: settingsWith({ batchSize: 1 }),
    });
    await after.start();
    await after.idle();
    expect(fixed.delivered()).toEqual(['s2', 's3', 's4', 's5']);
  });

  it('a stored checkpoint wins over LATEST: records written while stopped are delivered', async () => {
    const dir = await fx.tempDir();
    await fx.putAlerts(['old0', 'old1']);
    const first = recordingHandler();
    const before = fx.poller({
      invoke: first.invoke,
      checkpointStore: fileStore(dir),
      settings: settingsWith({ startingPosition: 'LATEST' }),
    });
    await before.start();
    await fx.putAlerts(['new0']);
    await before.idle();
    await before.stop();
    expect(first.delivered()).toEqual(['new0']);

    await fx.putAlerts(['whileStopped0', 'whileStopped1']);
    const second = recordingHandler();
    const after = fx.poller({
      invoke: second.invoke,
      checkpointStore: fileStore(dir),
      settings: settingsWith({ startingPosition: 'LATEST' }),
    });
    await after.start();
    await after.idle();
    expect(second.delivered()).toEqual(['whileStopped0', 'whileStopped1']);
  });

  it('LATEST on a still empty stream keeps its place across a restart (SHARD_START checkpoint)', async () => {
    const dir = await fx.tempDir();
    const first = recordingHandler();
    const before = fx.poller({
      invoke: first.invoke,
      checkpointStore: fileStore(dir),
      settings: settingsWith({ startingPosition: 'LATEST' }),
    });
    await before.start();
    await before.idle();
    await before.stop();
    expect(first.delivered()).toEqual([]);
    // No sequence number to store yet: the marker says "from the start of the shard" for the next run.
    expect(Object.values(Object.fromEntries(await fileStore(dir).entries()))).toEqual([SHARD_START]);

    await fx.putAlerts(['whileStopped']);
    const second = recordingHandler();
    const after = fx.poller({
      invoke: second.invoke,
      checkpointStore: fileStore(dir),
      settings: settingsWith({ startingPosition: 'LATEST' }),
    });
    await after.start();
    await after.idle();
    expect(second.delivered()).toEqual(['whileStopped']);
  });
});
