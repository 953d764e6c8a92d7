import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../src/local/dynamodb-local';
import type { LocalRuntime } from '../../src/local/runtime';
import { tableNameOf } from '../../src/local/service-definition';
import { chargerDownMetric, LocalApi } from './support/api';
import { until } from './support/runtime';

/**
 * Issue 12, item 5: a runtime on a data folder whose DynamoDB Local (the Java this runtime started) is
 * killed: /health reports it down with 503, the runtime restarts it on the same data, /health recovers,
 * and every reading accepted before or after is stored.
 */
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let runtime: LocalRuntime;
let data: string;
let api: LocalApi;
let fatal: Error | undefined;

beforeAll(async () => {
  process.env.LOG_LEVEL = 'SILENT';
  const { startLocalRuntime } = await import('../../src/local/runtime');
  data = mkdtempSync(join(tmpdir(), 'ai-ops-reliability-'));
  runtime = await startLocalRuntime({
    port: 0,
    dataDir: data,
    stage: 'e2e',
    pollIntervalMs: 50,
    logger: silent,
    onFatal: (error) => {
      fatal = error;
    },
  });
  api = new LocalApi(runtime.url);
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  if (data) await rm(data, { recursive: true, force: true });
});

const health = async () => {
  const reply = await api.request<{
    status: string;
    down?: string[];
    parts?: Record<string, { up: boolean }>;
  }>('GET', '/health');
  return reply;
};

const storedReadings = async (stationId: string): Promise<number> => {
  const client = new DynamoDBClient(localClientConfig(runtime.dynamodbEndpoint));
  try {
    const { Items = [] } = await client.send(
      new ScanCommand({
        TableName: tableNameOf(runtime.definition, 'MetricsTable'),
        FilterExpression: 'stationId = :s',
        ExpressionAttributeValues: { ':s': { S: stationId } },
        ConsistentRead: true,
      }),
    );
    return Items.length;
  } finally {
    client.destroy();
  }
};

describe('a runtime whose DynamoDB Local dies', () => {
  it('reports each part on /health, answers 503 within 5 s of Java dying, restarts it and loses no accepted reading', async () => {
    const ready = await health();
    expect(ready.status).toBe(200);
    expect(ready.body.parts).toMatchObject({
      dynamodb: { up: true },
      'poller:evaluateMetrics': { up: true },
      'poller:dispatchAlertChange': { up: true },
      workflow: { up: true },
    });

    const station = await api.token('reliability-station', { scopes: ['metrics/write'] });
    const base = Date.now() - 60_000;
    const before = await api.post<{ accepted: number }>('/metrics', station, [
      chargerDownMetric('ST-REL', base),
    ]);
    expect(before.status).toBe(202);

    // The Java this runtime started: the only child of its DynamoDB Local watchdog.
    const watchdog = runtime.dynamodbWatchdogPid();
    const java = Number(
      execFileSync('pgrep', ['-x', '-P', String(watchdog), 'java'], { encoding: 'utf8' }).trim(),
    );
    expect(java).toBeGreaterThan(0);
    const killedAt = Date.now();
    process.kill(java, 'SIGKILL');

    const down = await until('/health to answer 503', async () => {
      const reply = await health();
      return reply.status === 503 ? reply : undefined;
    });
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    expect(down.body).toMatchObject({ status: 'degraded', down: ['dynamodb'] });

    await until(
      '/health to recover',
      async () => ((await health()).status === 200 ? true : undefined),
      120_000,
    );
    expect(fatal).toBeUndefined();
    expect(runtime.dynamodbWatchdogPid()).not.toBe(watchdog);

    const after = await api.post<{ accepted: number }>('/metrics', station, [
      chargerDownMetric('ST-REL', base + 1_000),
    ]);
    expect(after.status).toBe(202);
    // Both readings are in the table: the one accepted before Java died survived on the data folder.
    expect(await storedReadings('ST-REL')).toBe(2);
    // The pollers resume from their checkpoints: the evaluator sees the new reading.
    await runtime.idle();
  }, 180_000);
});
