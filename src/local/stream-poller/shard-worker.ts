import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { type BatchContext, finishWindow, processWindowedBatch } from './batch-processor';
import { type CheckpointStore, SHARD_START } from './checkpoint-store';
import { matchesAnyFilter } from './filter-pattern';
import { type StreamEntry, toStreamEntry } from './lambda-record';
import { createShardReader, type ReadPosition } from './shard-reader';
import { sleep } from './sleep';
import { batchLength, type OpenWindow, type ShardWindow, sameWindow, windowOf } from './tumbling-window';
import type { PollerLogger } from './types';

/** Where a worker begins reading its shard. */
export type StartMode =
  | { kind: 'resume'; position: ReadPosition }
  /**
   * LATEST on a mapping that has never run: read what the shard already holds without delivering it and
   * checkpoint its end, so the starting point survives a restart (a LATEST iterator has no sequence number
   * to store, and re-applying LATEST after a restart would skip what arrived while stopped).
   */
  | { kind: 'skip-existing' };

export const positionAfter = (checkpoint: string | undefined): ReadPosition | undefined => {
  if (checkpoint === undefined) return undefined;
  return checkpoint === SHARD_START
    ? { type: 'TRIM_HORIZON' }
    : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint };
};

export interface ShardWorkerOptions {
  client: DynamoDBStreamsClient;
  shardId: string;
  start: StartMode;
  /** The stored checkpoint the worker starts from, if any. */
  checkpoint: string | undefined;
  checkpointStore: CheckpointStore;
  /** Everything processBatch needs except what the worker itself provides. */
  batch: Omit<BatchContext, 'shardId' | 'commit' | 'sleep' | 'stopping'>;
  pollIntervalMs: number;
  awsRegion: string | undefined;
  logger: PollerLogger;
}

export interface ShardWorkerStatus {
  shardId: string;
  finished: boolean;
  /** A batch is being delivered (retries included). */
  delivering: boolean;
  /** performance.now() when the last read that found nothing new began, while nothing was buffered. */
  caughtUpAt: number | undefined;
  checkpoint: string | undefined;
}

export interface ShardWorker {
  readonly shardId: string;
  /** Resolves once the starting point is fixed: records written afterwards will be delivered. */
  readonly positioned: Promise<void>;
  /** Resolves when the worker ends: its shard was read to the end, or stop() was called. */
  readonly done: Promise<'finished' | 'stopped'>;
  status(): ShardWorkerStatus;
  /** Asks the worker to end; an invocation in flight completes and is checkpointed first (await `done`). */
  stop(): void;
}

/**
 * One shard's loop: read, filter, gather a batch (size or window), deliver it, checkpoint, repeat. With
 * tumbling windows the shard also has an open window: a batch never spans two windows, and a window ends
 * with its final invocation when a later window's first batch is due or the clock passes its end.
 */
export const createShardWorker = (options: ShardWorkerOptions): ShardWorker => {
  const { shardId, checkpointStore, logger, pollIntervalMs } = options;
  const { settings, streamArn } = options.batch;
  const controller = new AbortController();
  const { signal } = controller;
  const windowMs = settings.batchWindowSeconds * 1000;
  const tumblingSeconds = settings.tumblingWindowSeconds;

  let committed = options.checkpoint;
  let finished = false;
  let delivering = false;
  let caughtUpAt: number | undefined;
  // The tumbling window and its state, in memory only; it survives an error reset, since the state was
  // only replaced for records whose checkpoint had moved.
  const shardWindow: ShardWindow = { open: undefined };
  let markPositioned: () => void = () => {};
  const positioned = new Promise<void>((resolve) => {
    markPositioned = resolve;
  });
  if (options.start.kind === 'resume') markPositioned();

  const initialPosition = (): ReadPosition =>
    positionAfter(committed) ??
    (options.start.kind === 'resume' ? options.start.position : { type: 'TRIM_HORIZON' });
  const reader = createShardReader({
    client: options.client,
    streamArn,
    shardId,
    position: initialPosition(),
    logger,
  });

  const commit = async (sequenceNumber: string): Promise<void> => {
    if (sequenceNumber === committed) return;
    await checkpointStore.set(shardId, sequenceNumber);
    committed = sequenceNumber;
  };

  const batchContext: BatchContext = {
    ...options.batch,
    shardId,
    commit,
    sleep: (ms) => sleep(ms, signal),
    stopping: () => signal.aborted,
  };

  /** Marks the shard busy (for idle()) while a batch or a final invocation is delivered. */
  const delivery = async <T>(work: () => Promise<T>): Promise<T> => {
    delivering = true;
    caughtUpAt = undefined;
    try {
      return await work();
    } finally {
      delivering = false;
    }
  };

  const endWindow = (window: OpenWindow): Promise<'done' | 'stopped'> =>
    delivery(async () => {
      const result = await finishWindow({ ...batchContext, window });
      if (result === 'done') shardWindow.open = undefined;
      return result;
    });

  const run = async (): Promise<'finished' | 'stopped'> => {
    let skipping = options.start.kind === 'skip-existing';
    let buffer: { entry: StreamEntry; receivedAt: number }[] = [];
    // The last record read, delivered or filtered out: once nothing is buffered, everything up to it is done.
    let readUpTo = committed;
    let ended = false;
    const commitReadPosition = async () => {
      if (buffer.length === 0 && readUpTo !== undefined) await commit(readUpTo);
    };

    while (!signal.aborted) {
      try {
        if (!ended && buffer.length < settings.batchSize) {
          const readStartedAt = performance.now();
          const page = await reader.read(signal);
          ended = page.ended;
          readUpTo = page.records.at(-1)?.dynamodb?.SequenceNumber ?? readUpTo;
          if (skipping) {
            if (page.records.length > 0 && !ended) continue;
            await commit(readUpTo ?? SHARD_START);
            skipping = false;
            markPositioned();
            logger.debug('LATEST: existing records skipped', { shardId, checkpoint: committed });
            caughtUpAt = page.records.length === 0 ? readStartedAt : undefined;
            if (ended) break;
            continue;
          }
          const readAtMs = Date.now();
          for (const raw of page.records) {
            const entry = toStreamEntry(raw, streamArn, { awsRegion: options.awsRegion, readAtMs });
            // Filtered-out records never reach the function and count as done, as with Lambda filtering.
            if (matchesAnyFilter(settings.filterPatterns, entry.record))
              buffer.push({ entry, receivedAt: performance.now() });
          }
          await commitReadPosition();
          caughtUpAt = page.records.length === 0 && buffer.length === 0 ? readStartedAt : undefined;
        }

        const first = buffer[0];
        // Lambda ends a tumbling window once the clock passes its end, when none of its records is waiting.
        const { open } = shardWindow;
        if (
          open &&
          Date.now() >= open.window.endMs &&
          !(first && sameWindow(windowOf(first.entry, tumblingSeconds), open.window))
        ) {
          if ((await endWindow(open)) === 'stopped') break;
          continue;
        }
        if (first) {
          const waited = performance.now() - first.receivedAt;
          const take = batchLength(
            buffer.map((b) => b.entry),
            settings,
          );
          // Cut short by batchSize or by a later tumbling window: this batch can grow no more.
          const complete = take < buffer.length || take >= settings.batchSize;
          // batchWindow 0: deliver what the read returned; otherwise gather until the window closes.
          if (complete || windowMs === 0 || ended || waited >= windowMs) {
            const batch = buffer.splice(0, take).map((b) => b.entry);
            const outcome = await delivery(() => processWindowedBatch(batch, batchContext, shardWindow));
            if (outcome === 'stopped') break;
            await commitReadPosition();
            // Like Lambda, poll again at once after a batch rather than waiting for the next interval.
            continue;
          }
          await sleep(Math.max(1, Math.min(pollIntervalMs, windowMs - waited)), signal);
          continue;
        }
        if (ended) {
          // No record can join this shard's window any more: end it now rather than holding the child
          // shards back until the clock passes its end.
          if (shardWindow.open && (await endWindow(shardWindow.open)) === 'stopped') break;
          finished = true;
          logger.debug('shard read to its end', { shardId, checkpoint: committed });
          return 'finished';
        }
        await sleep(pollIntervalMs, signal);
      } catch (error) {
        if (signal.aborted) break;
        // A stream, checkpoint or dead-letter failure: drop what is buffered and go back to the checkpoint,
        // so records are delivered again rather than lost (at least once, as with Lambda).
        logger.error('stream shard poller failed; resuming from the checkpoint', {
          shardId,
          checkpoint: committed,
          error: error instanceof Error ? error.message : String(error),
        });
        buffer = [];
        ended = false;
        readUpTo = committed;
        caughtUpAt = undefined;
        reader.reset(initialPosition());
        await sleep(Math.max(pollIntervalMs, options.batch.retryDelayMs), signal);
      }
    }
    if (ended && !skipping && buffer.length === 0 && !signal.aborted) {
      finished = true;
      return 'finished';
    }
    return 'stopped';
  };

  const done = run().finally(() => markPositioned());

  return {
    shardId,
    positioned,
    done,
    status: () => ({ shardId, finished, delivering, caughtUpAt, checkpoint: committed }),
    stop: () => controller.abort(),
  };
};
