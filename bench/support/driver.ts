/**
 * The load driver of bench/pipeline.ts, run as a child process so that neither its schedule nor its CPU
 * time mixes with the local runtime it measures (the HTTP API and the stream pollers run on the
 * benchmark's main thread, the functions in its worker threads). It sends metrics, watches the alerts
 * table for the probes' alerts, and measures raw DynamoDB Local writes. See protocol.ts for the messages.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { alertIdFor } from '../../src/domain/ids';
import type { Metric } from '../../src/domain/types';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local';
import { backgroundFleet, healthyReading, probeReading, probeStationId } from './metrics';
import type {
  ClosedLoopCommand,
  DriverCommand,
  DriverReply,
  DriverSetup,
  LoadResult,
  OpenLoopCommand,
  ProbeSample,
  RawPutsCommand,
  RawPutsResult,
  RequestSample,
  WatcherStats,
  WatchIdleCommand,
  WatchIdleResult,
} from './protocol';

const ipcSend = process.send?.bind(process);
if (!ipcSend) throw new Error('the bench driver runs only as a child process with an IPC channel');
const reply = (message: DriverReply): void => {
  ipcSend(message);
};
const setup = JSON.parse(process.env.BENCH_DRIVER_SETUP ?? 'null') as DriverSetup;
if (!setup) throw new Error('BENCH_DRIVER_SETUP is not set');

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

const client = new DynamoDBClient({
  endpoint: setup.dynamodbEndpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  // A raw-write ceiling must not hide retries.
  maxAttempts: 1,
});
const nextBackground = backgroundFleet(setup.runId, setup.stations);
const metricsUrl = `${setup.url.replace(/\/+$/, '')}/metrics`;

const post = async (metrics: Metric[], dueAt: number): Promise<RequestSample> => {
  const startedAt = now();
  let status = 0;
  try {
    const response = await fetch(metricsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${setup.token}` },
      body: JSON.stringify(metrics),
      signal: AbortSignal.timeout(60_000),
    });
    // Read the body either way, so the connection goes back to the pool.
    await response.arrayBuffer();
    status = response.status;
  } catch {
    status = 0;
  }
  return { startedAt, dueAt, endedAt: now(), status, metrics: metrics.length };
};

/** BatchGetItem on the probes' deterministic alert ids until each one's row is there. */
const createWatcher = (intervalMs: number) => {
  const pending = new Map<string, ProbeSample>();
  let reads = 0;
  let readMsTotal = 0;
  let maxReadMs = 0;
  let running = true;

  const round = async (): Promise<void> => {
    const waiting = [...pending.values()];
    const chunks: ProbeSample[][] = [];
    for (let i = 0; i < waiting.length; i += 100) chunks.push(waiting.slice(i, i + 100));
    const started = now();
    const found = await Promise.all(
      chunks.map(async (chunk) => {
        try {
          const out = await client.send(
            new BatchGetItemCommand({
              RequestItems: {
                [setup.alertsTable]: {
                  Keys: chunk.map((p) => ({ alertId: { S: p.alertId } })),
                  ProjectionExpression: 'alertId',
                  ConsistentRead: true,
                },
              },
            }),
          );
          return (out.Responses?.[setup.alertsTable] ?? []).flatMap((item) =>
            item.alertId?.S ? [item.alertId.S] : [],
          );
        } catch {
          return [];
        }
      }),
    );
    const answered = now();
    reads += 1;
    readMsTotal += answered - started;
    maxReadMs = Math.max(maxReadMs, answered - started);
    for (const alertId of found.flat()) {
      const probe = pending.get(alertId);
      if (!probe) continue;
      // The row appeared between the previous round and this answer: this is the upper bound.
      probe.seenAt = answered;
      pending.delete(alertId);
    }
  };

  const loop = (async () => {
    while (running) {
      const started = now();
      if (pending.size > 0) await round();
      await sleep(intervalMs - (now() - started));
    }
  })();

  return {
    watch: (probe: ProbeSample) => {
      pending.set(probe.alertId, probe);
    },
    forget: (probe: ProbeSample) => {
      pending.delete(probe.alertId);
    },
    /** Waits until every probe was seen or `timeoutMs` passed, then stops. */
    finish: async (timeoutMs: number): Promise<WatcherStats> => {
      const deadline = now() + timeoutMs;
      while (pending.size > 0 && now() < deadline) await sleep(20);
      running = false;
      await loop;
      return { reads, meanReadMs: reads === 0 ? 0 : readMsTotal / reads, maxReadMs };
    },
  };
};

/** Builds and sends one request's metrics; a probe, when asked for, is the first of them. */
const createSender = (label: string, watcher: ReturnType<typeof createWatcher>) => {
  const requests: RequestSample[] = [];
  const probes: ProbeSample[] = [];
  let probeSequence = 0;
  const send = async (batch: number, withProbe: boolean, dueAt: number): Promise<void> => {
    const wall = Date.now();
    const metrics: Metric[] = [];
    let probe: ProbeSample | undefined;
    if (withProbe) {
      const stationId = probeStationId(setup.runId, label, probeSequence++);
      metrics.push(probeReading(stationId, wall));
      probe = {
        stationId,
        timestamp: wall,
        alertId: alertIdFor(stationId, 'LOW_INVENTORY', wall),
        sentAt: 0,
        answeredAt: 0,
        status: 0,
        seenAt: undefined,
      };
      probes.push(probe);
      watcher.watch(probe);
    }
    while (metrics.length < batch) metrics.push(nextBackground(wall));
    const sample = await post(metrics, dueAt);
    requests.push(sample);
    if (probe) {
      probe.sentAt = sample.startedAt;
      probe.answeredAt = sample.endedAt;
      probe.status = sample.status;
      if (sample.status !== 202) watcher.forget(probe);
    }
  };
  return { send, requests, probes };
};

/** How long to keep watching after the last request: a backlog drains at the pipeline's own pace. */
const DRAIN_TIMEOUT_MS = 120_000;

const openLoop = async (command: OpenLoopCommand): Promise<LoadResult> => {
  const watcher = createWatcher(setup.watchIntervalMs);
  const sender = createSender(command.label, watcher);
  const batch = Math.max(1, Math.min(command.batch, Math.round(command.rate)));
  const intervalMs = (1000 * batch) / command.rate;
  const total = Math.max(1, Math.round((command.durationS * 1000) / intervalMs));
  const inFlight: Promise<void>[] = [];
  const startedAt = now() + 20;
  for (let i = 0; i < total; i++) {
    const dueAt = startedAt + i * intervalMs;
    await sleep(dueAt - now());
    // Not awaited: a slow answer must not delay the next request (open loop).
    inFlight.push(sender.send(batch, i % command.probeEvery === 0, dueAt));
  }
  await Promise.all(inFlight);
  const endedAt = now();
  const watcherStats = await watcher.finish(DRAIN_TIMEOUT_MS);
  return {
    kind: 'load',
    label: command.label,
    startedAt,
    endedAt,
    requests: sender.requests,
    probes: sender.probes,
    watcher: watcherStats,
  };
};

const closedLoop = async (command: ClosedLoopCommand): Promise<LoadResult> => {
  const watcher = createWatcher(setup.watchIntervalMs);
  const sender = createSender(command.label, watcher);
  const startedAt = now();
  const endsAt = startedAt + command.durationS * 1000;
  let nextProbeAt = startedAt;
  const loop = async (): Promise<void> => {
    for (;;) {
      const dueAt = now();
      if (dueAt >= endsAt) return;
      const withProbe = dueAt >= nextProbeAt;
      if (withProbe) {
        nextProbeAt += command.probeIntervalMs;
        // Behind schedule (slow answers): skip the missed slots rather than send a burst of probes.
        if (nextProbeAt <= dueAt) nextProbeAt = dueAt + command.probeIntervalMs;
      }
      await sender.send(command.batch, withProbe, dueAt);
    }
  };
  await Promise.all(Array.from({ length: command.concurrency }, loop));
  const endedAt = now();
  // The last probe goes out after everything else was written, so its alert marks the drain.
  await sender.send(1, true, endedAt);
  const watcherStats = await watcher.finish(DRAIN_TIMEOUT_MS);
  return {
    kind: 'load',
    label: command.label,
    startedAt,
    endedAt,
    requests: sender.requests,
    probes: sender.probes,
    watcher: watcherStats,
  };
};

let rawTableReady: Promise<void> | undefined;
const ensureRawTable = (): Promise<void> => {
  rawTableReady ??= (async () => {
    try {
      // The metrics table's key schema and stream, and nothing reading that stream.
      await client.send(
        new CreateTableCommand({
          TableName: setup.rawTable,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'stationId', AttributeType: 'S' },
            { AttributeName: 'timestamp', AttributeType: 'N' },
          ],
          KeySchema: [
            { AttributeName: 'stationId', KeyType: 'HASH' },
            { AttributeName: 'timestamp', KeyType: 'RANGE' },
          ],
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    // A first record in its stream right away: DynamoDB Local makes writes to a stream-enabled table that
    // has none yet very slow once the database holds many stream records (docs/benchmarks.md).
    await client.send(
      new PutItemCommand({
        TableName: setup.rawTable,
        Item: marshall(healthyReading(`${setup.runId}_RAW_PRIME`, Date.now(), 0)),
      }),
    );
  })();
  return rawTableReady;
};

const rawPuts = async (command: RawPutsCommand): Promise<RawPutsResult> => {
  await ensureRawTable();
  let sequence = 0;
  const itemFor = () => {
    const index = sequence++;
    const metric = healthyReading(`${setup.runId}_RAW_${command.label}_${index}`, Date.now(), index);
    return marshall({ ...metric, ttl: Math.floor(Date.now() / 1000) + 30 * 86_400 });
  };
  let items = 0;
  let requests = 0;
  let errors = 0;
  let requestMs = 0;
  const loop = async (endsAt: number): Promise<void> => {
    while (now() < endsAt) {
      const t0 = now();
      try {
        if (command.batch <= 1) {
          await client.send(new PutItemCommand({ TableName: setup.rawTable, Item: itemFor() }));
          items += 1;
        } else {
          const batch = Array.from({ length: command.batch }, itemFor);
          const out = await client.send(
            new BatchWriteItemCommand({
              RequestItems: { [setup.rawTable]: batch.map((Item) => ({ PutRequest: { Item } })) },
            }),
          );
          items += batch.length - (out.UnprocessedItems?.[setup.rawTable]?.length ?? 0);
        }
      } catch {
        errors += 1;
      }
      requests += 1;
      requestMs += now() - t0;
    }
  };
  const run = async (durationMs: number): Promise<number> => {
    const started = now();
    await Promise.all(Array.from({ length: command.concurrency }, () => loop(started + durationMs)));
    return now() - started;
  };
  // Untimed first, so the JVM has compiled the request path.
  await run(Math.min(2000, (command.durationS * 1000) / 2));
  items = 0;
  requests = 0;
  errors = 0;
  requestMs = 0;
  const elapsedMs = await run(command.durationS * 1000);
  return {
    kind: 'raw-puts',
    label: command.label,
    items,
    requests,
    errors,
    elapsedMs,
    itemsPerSecond: (items / elapsedMs) * 1000,
    meanRequestMs: requests === 0 ? 0 : requestMs / requests,
  };
};

const watchIdle = async (command: WatchIdleCommand): Promise<WatchIdleResult> => {
  const watcher = createWatcher(setup.watchIntervalMs);
  const stationId = probeStationId(setup.runId, command.label, 0);
  const probe: ProbeSample = {
    stationId,
    timestamp: 0,
    alertId: alertIdFor(stationId, 'LOW_INVENTORY', 0),
    sentAt: 0,
    answeredAt: 0,
    status: 0,
    seenAt: undefined,
  };
  const started = now();
  watcher.watch(probe);
  const stats = await watcher.finish(command.durationS * 1000);
  return { kind: 'watch-idle', label: command.label, elapsedMs: now() - started, watcher: stats };
};

const run = (command: DriverCommand): Promise<LoadResult | RawPutsResult | WatchIdleResult> => {
  switch (command.kind) {
    case 'watch-idle':
      return watchIdle(command);
    case 'open-loop':
      return openLoop(command);
    case 'closed-loop':
      return closedLoop(command);
    case 'raw-puts':
      return rawPuts(command);
  }
};

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

process.on('message', (command: DriverCommand) => {
  const cpu = process.cpuUsage();
  void run(command).then(
    (result) => reply({ ...result, driverCpuMs: cpuMs(cpu) }),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      reply({ kind: 'error', message: e.message, ...(e.stack ? { stack: e.stack } : {}) });
    },
  );
});
// The benchmark going away (even killed) closes the channel: stop with it.
process.on('disconnect', () => process.exit(0));
await ensureRawTable();
reply({ kind: 'ready' });
