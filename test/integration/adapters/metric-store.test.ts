import { BatchWriteCommand, type BatchWriteCommandOutput, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoMetricStore } from '../../../src/adapters/dynamodb/metric-store';
import { UnwrittenItemsError } from '../../../src/domain/errors';
import { METRIC_TTL_DAYS, type Metric, ttlAfterDays } from '../../../src/domain/types';
import { createTestTables, type TestTables } from '../../support/tables';
import { localDoc, metricAt, recordingSleep } from './fixtures';

const NOW = 1_750_000_000_000;
const clock = { now: () => NOW };
const T0 = 1_700_000_000_000;

let t: TestTables;
beforeAll(async () => {
  t = await createTestTables();
});

const storeOn = (doc = t.doc, retry = {}) =>
  new DynamoMetricStore({ doc, tableName: t.names.metrics, clock, retry });

/** `count` readings of a station, one a minute from `start`. */
const series = (stationId: string, count: number, start = T0): Metric[] =>
  Array.from({ length: count }, (_, i) => metricAt(stationId, start + i * 60_000, { swapRate: i }));

/** The request items of a BatchWriteCommand: the spies below split them into written and "unprocessed". */
const putItemsOf = (command: BatchWriteCommand, table: string): Record<string, unknown>[] =>
  (command.input.RequestItems?.[table] ?? []).flatMap((r) => (r.PutRequest?.Item ? [r.PutRequest.Item] : []));

/**
 * Wraps a real client's send: BatchWriteItem calls for which `shouldThrottle(call)` holds write only the
 * first half of their items for real and hand the rest back as UnprocessedItems, as DynamoDB does when
 * throttled. Everything else goes to DynamoDB Local untouched.
 */
const throttleBatchWrites = (
  doc: ReturnType<typeof localDoc>,
  table: string,
  shouldThrottle: (call: number) => boolean,
) => {
  const send = doc.send.bind(doc);
  let calls = 0;
  const spy = vi.spyOn(doc, 'send').mockImplementation((async (command: Parameters<typeof send>[0]) => {
    if (!(command instanceof BatchWriteCommand)) return send(command);
    const call = calls++;
    if (!shouldThrottle(call)) return send(command);
    const items = putItemsOf(command, table);
    const kept = items.slice(0, Math.floor(items.length / 2));
    const handedBack = items.slice(kept.length);
    if (kept.length > 0) {
      await send(
        new BatchWriteCommand({ RequestItems: { [table]: kept.map((Item) => ({ PutRequest: { Item } })) } }),
      );
    }
    const output: BatchWriteCommandOutput = {
      $metadata: {},
      UnprocessedItems: { [table]: handedBack.map((Item) => ({ PutRequest: { Item } })) },
    };
    return output;
    // send is overloaded (command x callback forms); the spy only ever serves the promise form.
  }) as unknown as typeof doc.send);
  return { spy, batchCalls: () => calls };
};

describe('DynamoMetricStore', () => {
  it('puts one metric and reads it back with the writer TTL (now + 30 days)', async () => {
    const store = storeOn();
    const metric = metricAt('ST-PUT', T0, {
      errorLogs: ['E42 overheating'],
      faultPatterns: ['E42'],
      demandSurge: true,
    });
    await store.put(metric);
    expect(await store.latest('ST-PUT', 5)).toEqual([{ ...metric, ttl: ttlAfterDays(NOW, METRIC_TTL_DAYS) }]);
  });

  it('keeps a TTL the caller set', async () => {
    const store = storeOn();
    await store.put(metricAt('ST-TTL', T0, { ttl: 123 }));
    expect((await store.latest('ST-TTL', 1))[0]?.ttl).toBe(123);
  });

  it('writes 60 metrics in chunks of 25, then reads the latest newest first and a range oldest first', async () => {
    const doc = localDoc(t.endpoint);
    const sendSpy = vi.spyOn(doc, 'send');
    const store = storeOn(doc);
    const a = series('ST-A', 50);
    const b = series('ST-B', 10);
    await store.putMany([...a, ...b]);
    const batchRequests = sendSpy.mock.calls.filter(([c]) => c instanceof BatchWriteCommand);
    expect(batchRequests).toHaveLength(3);
    const sizes = batchRequests.map(([c]) => putItemsOf(c as BatchWriteCommand, t.names.metrics).length);
    expect(sizes.sort((x, y) => x - y)).toEqual([10, 25, 25]);

    const latest = await store.latest('ST-A', 5);
    expect(latest.map((m) => m.timestamp)).toEqual([49, 48, 47, 46, 45].map((i) => T0 + i * 60_000));
    expect(latest[0]?.swapRate).toBe(49);

    const range = await store.range('ST-A', T0 + 10 * 60_000, T0 + 19 * 60_000);
    expect(range.map((m) => m.swapRate)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(await store.range('ST-B', T0, T0 + 1e9)).toHaveLength(10);
    expect(await store.latest('ST-B', 100)).toHaveLength(10);
    expect(await store.range('ST-A', T0 + 1, T0 + 59_999)).toEqual([]);
    expect(await store.range('ST-A', T0 + 10, T0)).toEqual([]);
  });

  it('follows LastEvaluatedKey when a range spans more than one 1 MB page', async () => {
    const doc = localDoc(t.endpoint);
    const store = storeOn(doc);
    // ~40 KB per item: 40 items are about 1.6 MB, which DynamoDB returns in two pages at least.
    const bulky = series('ST-BIG', 40).map((m) => ({
      ...m,
      errorLogs: [`${m.timestamp}:`.padEnd(40_000, 'x')],
    }));
    await store.putMany(bulky);
    const sendSpy = vi.spyOn(doc, 'send');
    const range = await store.range('ST-BIG', T0, T0 + 39 * 60_000);
    expect(range.map((m) => m.timestamp)).toEqual(bulky.map((m) => m.timestamp));
    expect(sendSpy.mock.calls.filter(([c]) => c instanceof QueryCommand).length).toBeGreaterThan(1);
    const latest = await store.latest('ST-BIG', 35);
    expect(latest.map((m) => m.timestamp)).toEqual(
      bulky
        .map((m) => m.timestamp)
        .reverse()
        .slice(0, 35),
    );
  });

  it('writes a batch holding one key twice, the last reading winning', async () => {
    const store = storeOn();
    await store.putMany([metricAt('ST-DUP', T0, { swapRate: 1 }), metricAt('ST-DUP', T0, { swapRate: 2 })]);
    expect((await store.latest('ST-DUP', 5)).map((m) => m.swapRate)).toEqual([2]);
  });

  it('retries unprocessed items with backoff until every item is written', async () => {
    const doc = localDoc(t.endpoint);
    const { sleep, delays } = recordingSleep();
    // The first two requests of the run write only half of what they were given.
    const { batchCalls } = throttleBatchWrites(doc, t.names.metrics, (call) => call < 2);
    const store = storeOn(doc, { sleep, random: () => 0.5 });
    const metrics = series('ST-RETRY', 60);
    await store.putMany(metrics);
    expect(batchCalls()).toBeGreaterThan(3);
    expect(delays.length).toBeGreaterThanOrEqual(2);
    expect(delays.every((d) => d >= 0)).toBe(true);
    const stored = await storeOn().range('ST-RETRY', T0, T0 + 60 * 60_000);
    expect(stored.map((m) => m.timestamp)).toEqual(metrics.map((m) => m.timestamp));
  });

  it('backs off exponentially between attempts', async () => {
    const doc = localDoc(t.endpoint);
    const { sleep, delays } = recordingSleep();
    throttleBatchWrites(doc, t.names.metrics, (call) => call < 3);
    // random() just under 1: each delay is almost its whole exponential cap.
    const store = storeOn(doc, { sleep, random: () => 0.999, baseDelayMs: 100, maxDelayMs: 10_000 });
    await store.putMany(series('ST-BACKOFF', 8));
    expect(delays).toEqual([99, 199, 399]);
  });

  it('throws UnwrittenItemsError naming the keys still unprocessed after the last attempt', async () => {
    const doc = localDoc(t.endpoint);
    const { sleep, delays } = recordingSleep();
    throttleBatchWrites(doc, t.names.metrics, () => true);
    const store = storeOn(doc, { sleep, maxAttempts: 4 });
    const metrics = series('ST-STUCK', 30);
    const error = await store.putMany(metrics).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnwrittenItemsError);
    const unwritten = error as UnwrittenItemsError;
    expect(unwritten.table).toBe(t.names.metrics);
    expect(unwritten.message).toContain('after 4 attempts');
    // Each attempt writes half of what is left (rounded down): 25 -> 13, 7, 4, 2 left; 5 -> 3, 2, 1, 1.
    const stored = await storeOn().range('ST-STUCK', T0, T0 + 30 * 60_000);
    expect(unwritten.keys).toHaveLength(30 - stored.length);
    expect(unwritten.keys.length).toBe(3);
    const storedTs = new Set(stored.map((m) => m.timestamp));
    for (const key of unwritten.keys) {
      expect(key).toEqual({ stationId: 'ST-STUCK', timestamp: expect.any(Number) });
      expect(storedTs.has(key.timestamp as number)).toBe(false);
    }
    expect(delays).toHaveLength(6); // 3 waits per chunk, none after the last attempt
  });
});
