import type { DynamoDBStreamsClient, Shard } from '@aws-sdk/client-dynamodb-streams';
import type { CheckpointStore } from './checkpoint-store';
import type { DeadLetterWriter } from './dead-letter';
import { describeShards } from './shard-reader';
import {
  createShardWorker,
  positionAfter,
  type ShardWorker,
  type ShardWorkerStatus,
  type StartMode,
} from './shard-worker';
import { sleep } from './sleep';
import { type PollerLogger, type StreamInvoke, type StreamMappingSettings, silentLogger } from './types';

export interface StreamPollerOptions {
  streamsClient: DynamoDBStreamsClient;
  /** The table's LatestStreamArn (DescribeTable). */
  streamArn: string;
  settings: StreamMappingSettings;
  /** Calls the function with a Lambda-shaped event; its DynamoDBBatchResponse is read when the mapping reports item failures. */
  invoke: StreamInvoke;
  checkpointStore: CheckpointStore;
  /**
   * Where discarded records go. Required when settings.onFailureArn is set, and only called then: without a
   * destination Lambda drops them, so the poller only logs them.
   */
  deadLetter?: DeadLetterWriter;
  /** For logs and dead-letter entries. */
  functionName?: string;
  /** Reported as requestContext.functionArn; defaults to a local-looking ARN built from functionName. */
  functionArn?: string;
  /** Overrides each record's awsRegion (DynamoDB Local reports "ddblocal"). */
  awsRegion?: string;
  /** Pause between reads of a caught-up shard; Lambda polls each shard 4 times a second. */
  pollIntervalMs?: number;
  /** Pause before a retry, so a handler that always fails does not spin. */
  retryDelayMs?: number;
  /** How often the shard list is read again (also re-read whenever a shard ends). */
  discoveryIntervalMs?: number;
  logger?: PollerLogger;
}

export interface StreamPollerStatus {
  streamArn: string;
  running: boolean;
  shards: (ShardWorkerStatus & { parentShardId: string | undefined })[];
}

export interface StreamPoller {
  /** Reads the shard list and fixes each shard's starting point; records written after this resolves are delivered. */
  start(): Promise<void>;
  /** Stops every shard; resolves after the invocations in flight have finished and been checkpointed. */
  stop(): Promise<void>;
  /**
   * Resolves when every shard has been read up to records written before the call and nothing is being
   * delivered, buffered or waiting for a parent shard. For tests and `ai-ops` tooling; rejects after timeoutMs.
   */
  idle(options?: { timeoutMs?: number }): Promise<void>;
  status(): StreamPollerStatus;
}

/**
 * A local Lambda event source mapping for one (function, DynamoDB stream) pair: finds the shards, runs one
 * worker per shard (a child only once its parent has been read to the end), and keeps finding new shards.
 */
export const createStreamPoller = (options: StreamPollerOptions): StreamPoller => {
  const { streamsClient: client, streamArn, settings, checkpointStore } = options;
  const logger = options.logger ?? silentLogger;
  const functionName = options.functionName ?? 'function';
  const region = options.awsRegion ?? streamArn.split(':')[3] ?? 'local';
  const functionArn = options.functionArn ?? `arn:aws:lambda:${region}:000000000000:function:${functionName}`;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const discoveryIntervalMs = options.discoveryIntervalMs ?? 10_000;
  if (settings.onFailureArn !== undefined && !options.deadLetter) {
    throw new Error(
      `the ${functionName} mapping has an on-failure destination (${settings.onFailureArn}); pass deadLetter`,
    );
  }

  const known = new Map<string, Shard>();
  const workers = new Map<string, ShardWorker>();
  const controller = new AbortController();
  let state: 'new' | 'running' | 'stopped' = 'new';
  let freshMapping = false;
  let firstDiscovery = true;
  let discovering: Promise<void> = Promise.resolve();
  let discoveryLoop: Promise<void> = Promise.resolve();

  const isFinished = (shardId: string): boolean => workers.get(shardId)?.status().finished ?? false;

  const launch = (shardId: string, start: StartMode, checkpoint: string | undefined): ShardWorker => {
    const worker = createShardWorker({
      client,
      shardId,
      start,
      checkpoint,
      checkpointStore,
      batch: {
        streamArn,
        functionName,
        functionArn,
        settings,
        invoke: options.invoke,
        // Like Lambda, only a mapping with an on-failure destination keeps discarded records.
        deadLetter: settings.onFailureArn === undefined ? undefined : options.deadLetter,
        retryDelayMs,
        now: Date.now,
        logger,
      },
      pollIntervalMs,
      awsRegion: options.awsRegion,
      logger,
    });
    workers.set(shardId, worker);
    // A finished parent may release its children: look at the shard list again straight away.
    void worker.done.then(
      (result) => {
        if (result === 'finished' && state === 'running') void discover().catch(() => {});
      },
      (error: unknown) => {
        logger.error('stream shard worker crashed', {
          shardId,
          error: error instanceof Error ? error.message : String(error),
        });
      },
    );
    return worker;
  };

  const discoverOnce = async (): Promise<ShardWorker[]> => {
    const shards = await describeShards(client, streamArn, controller.signal);
    for (const shard of shards) if (shard.ShardId) known.set(shard.ShardId, shard);
    // startingPosition applies once, to the shards that exist when a mapping first runs (as when an ESM is
    // created); afterwards every new shard is read from its start.
    const applyStartingPosition = firstDiscovery && freshMapping;
    firstDiscovery = false;
    const launched: ShardWorker[] = [];
    for (const shard of shards) {
      const shardId = shard.ShardId;
      if (!shardId || workers.has(shardId) || state !== 'running') continue;
      const checkpoint = await checkpointStore.get(shardId);
      const resumeAt = positionAfter(checkpoint);
      if (resumeAt === undefined && applyStartingPosition && settings.startingPosition === 'LATEST') {
        // Nothing existing is delivered, so lineage order does not matter while skipping.
        launched.push(launch(shardId, { kind: 'skip-existing' }, checkpoint));
        continue;
      }
      const parent = shard.ParentShardId;
      // Parents before children: a child waits until its parent (if still listed) has been read to the end.
      if (parent && known.has(parent) && !isFinished(parent)) continue;
      launched.push(
        launch(shardId, { kind: 'resume', position: resumeAt ?? { type: 'TRIM_HORIZON' } }, checkpoint),
      );
    }
    return launched;
  };

  // One discovery at a time, so a shard is never launched twice.
  const discover = (): Promise<ShardWorker[]> => {
    const next = discovering.then(discoverOnce);
    // The chain itself never rejects (callers get the error from `next`), so no rejection goes unhandled.
    discovering = next.then(
      () => {},
      () => {},
    );
    return next;
  };

  const runDiscoveryLoop = async (): Promise<void> => {
    while (await sleep(discoveryIntervalMs, controller.signal)) {
      try {
        await discover();
      } catch (error) {
        if (controller.signal.aborted) return;
        logger.error('could not list the stream shards', {
          streamArn,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  };

  const status = (): StreamPollerStatus => ({
    streamArn,
    running: state === 'running',
    shards: [...known.values()].flatMap((shard) => {
      const shardId = shard.ShardId;
      if (!shardId) return [];
      const worker = workers.get(shardId)?.status() ?? {
        shardId,
        finished: false,
        delivering: false,
        caughtUpAt: undefined,
        checkpoint: undefined,
      };
      return [{ ...worker, parentShardId: shard.ParentShardId }];
    }),
  });

  return {
    start: async () => {
      if (state !== 'new') throw new Error('a stream poller starts once');
      state = 'running';
      freshMapping = (await checkpointStore.entries()).size === 0;
      try {
        const launched = await discover();
        await Promise.all(launched.map((worker) => worker.positioned));
      } catch (error) {
        state = 'stopped';
        controller.abort();
        for (const worker of workers.values()) worker.stop();
        await Promise.all([...workers.values()].map((worker) => worker.done));
        throw error;
      }
      discoveryLoop = runDiscoveryLoop();
      logger.info('stream poller started', { functionName, streamArn, shards: workers.size });
    },

    stop: async () => {
      if (state === 'stopped') return;
      state = 'stopped';
      controller.abort();
      for (const worker of workers.values()) worker.stop();
      // A crashed worker was logged when it crashed; stopping still waits for every other one.
      await Promise.all([
        discoveryLoop,
        discovering,
        ...[...workers.values()].map((w) => w.done.catch(() => {})),
      ]);
      logger.info('stream poller stopped', { functionName, streamArn });
    },

    idle: async ({ timeoutMs = 15_000 } = {}) => {
      if (state !== 'running') throw new Error('idle() needs a running poller');
      const since = performance.now();
      const deadline = since + timeoutMs;
      await discover();
      for (;;) {
        const shards = status().shards;
        const settled = shards.every(
          (s) => s.finished || (!s.delivering && s.caughtUpAt !== undefined && s.caughtUpAt >= since),
        );
        if (settled && state === 'running') return;
        if (state !== 'running') throw new Error('the stream poller stopped while idle() was waiting');
        if (performance.now() > deadline) {
          throw new Error(`stream poller not idle after ${timeoutMs} ms: ${JSON.stringify(shards)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },

    status,
  };
};
