import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { idempotentOnce } from '../../../src/adapters/idempotency/once';
import { localClientConfig } from '../../../src/local/dynamodb-local';
import { createTestTables, type TestTables } from '../../support/tables';

let t: TestTables;
beforeAll(async () => {
  t = await createTestTables();
});

const onceOn = () => {
  const o = idempotentOnce({ tableName: t.names.idempotency, client: t.client, keyPrefix: 'test' });
  o.registerLambdaContext({ getRemainingTimeInMillis: () => 30_000 } as Parameters<
    typeof o.registerLambdaContext
  >[0]); // only the deadline is read
  return o;
};

describe('idempotentOnce on DynamoDB Local', () => {
  it('runs the work once per key and hands later callers the stored result', async () => {
    const { once } = onceOn();
    const work = vi.fn(async () => ({ messageId: 'm-1', topicArn: 'arn:topic' }));

    await expect(once('publish:a', work)).resolves.toEqual({ messageId: 'm-1', topicArn: 'arn:topic' });
    // A fresh instance (another Lambda container) sees the same record.
    await expect(onceOn().once('publish:a', work)).resolves.toEqual({
      messageId: 'm-1',
      topicArn: 'arn:topic',
    });
    expect(work).toHaveBeenCalledTimes(1);

    await once('publish:b', work);
    expect(work).toHaveBeenCalledTimes(2);
  });

  it('forgets a run that failed, so the retry runs the work again', async () => {
    const { once } = onceOn();
    const work = vi.fn().mockRejectedValueOnce(new Error('SNS down')).mockResolvedValue({ messageId: 'm-2' });

    await expect(once('publish:c', work)).rejects.toThrow('SNS down');
    await expect(once('publish:c', work)).resolves.toEqual({ messageId: 'm-2' });
    await expect(once('publish:c', work)).resolves.toEqual({ messageId: 'm-2' });
    expect(work).toHaveBeenCalledTimes(2);
  });

  it('keeps its records under `id` with an `expiration` the table expires them by', async () => {
    const { Items = [] } = await t.client.send(new ScanCommand({ TableName: t.names.idempotency }));
    expect(Items.length).toBeGreaterThan(0);
    for (const item of Items) {
      expect(item.id?.S).toMatch(/^test#/);
      const expiration = Number(item.expiration?.N);
      expect(expiration).toBeGreaterThan(Date.now() / 1000 + 6 * 24 * 3600);
    }
    const first = Items[0]?.id?.S ?? '';
    const { Item } = await t.client.send(
      new GetItemCommand({ TableName: t.names.idempotency, Key: { id: { S: first } } }),
    );
    expect(Item?.status?.S).toBe('COMPLETED');
  });
});

const contextWith = (remainingMs: number) => {
  const deadline = Date.now() + remainingMs;
  return { getRemainingTimeInMillis: () => deadline - Date.now() } as Parameters<
    ReturnType<typeof idempotentOnce>['registerLambdaContext']
  >[0]; // only the deadline is read
};

/** A client whose store refuses the first `times` requests of one command, as a faulty table would. */
const refusing = (commandName: string, times: number) => {
  const client = new DynamoDBClient(localClientConfig(t.endpoint));
  let refused = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === commandName && refused < times) {
        refused += 1;
        throw new Error(`the store refused ${commandName}`);
      }
      return next(args);
    },
    { step: 'initialize' },
  );
  return client;
};
describe('idempotentOnce after an attempt that left its record in progress', () => {
  it("waits for the in-progress expiry (the failed invocation's deadline), then runs and completes", async () => {
    // The first invocation's store accepts the in-progress record but refuses to record the success.
    const failing = refusing('UpdateItemCommand', Number.POSITIVE_INFINITY);
    const first = idempotentOnce({ tableName: t.names.idempotency, client: failing, keyPrefix: 'test' });
    first.registerLambdaContext(contextWith(400));
    const work = vi.fn(async () => ({ messageId: 'm-late' }));
    await expect(first.once('publish:orphan', work)).rejects.toThrow(/success record/);

    // The retry, in a fresh invocation with time to spare, proceeds once the record has expired.
    const second = onceOn();
    second.registerLambdaContext(contextWith(30_000));
    await expect(second.once('publish:orphan', work)).resolves.toEqual({ messageId: 'm-late' });
    // At-least-once: the lost success is redone (the notification's dedupKey lets subscribers drop it).
    expect(work).toHaveBeenCalledTimes(2);
    const { Items = [] } = await t.client.send(new ScanCommand({ TableName: t.names.idempotency }));
    expect(Items.filter((item) => item.status?.S === 'INPROGRESS')).toEqual([]);
  });

  it('fails as before when the expiry is beyond its own deadline, so the record is retried later', async () => {
    const failing = refusing('UpdateItemCommand', Number.POSITIVE_INFINITY);
    const first = idempotentOnce({ tableName: t.names.idempotency, client: failing, keyPrefix: 'test' });
    first.registerLambdaContext(contextWith(60_000));
    await expect(first.once('publish:long', async () => 'done')).rejects.toThrow(/success record/);
    const sleep = vi.fn(async () => undefined);
    const second = idempotentOnce({
      tableName: t.names.idempotency,
      client: t.client,
      keyPrefix: 'test',
      sleep,
    });
    second.registerLambdaContext(contextWith(30_000));
    await expect(second.once('publish:long', async () => 'again')).rejects.toThrow(/in progress/);
    expect(sleep).not.toHaveBeenCalled();
  });
});

describe('idempotentOnce when the store refuses the call that ends a claim', () => {
  const statusOf = async (key: string) => {
    const { Items = [] } = await t.client.send(new ScanCommand({ TableName: t.names.idempotency }));
    return Items.filter((item) => item.id?.S?.startsWith(`${key}#`)).map((item) => item.status?.S);
  };

  it("releases the claim of a failed run although the first delete was refused, and reports the work's error", async () => {
    const o = idempotentOnce({
      tableName: t.names.idempotency,
      client: refusing('DeleteItemCommand', 1),
      keyPrefix: 'release',
    });
    o.registerLambdaContext(contextWith(60_000));
    const work = vi.fn().mockRejectedValueOnce(new Error('SNS down')).mockResolvedValue({ messageId: 'm-r' });

    await expect(o.once('publish:release', work)).rejects.toThrow('SNS down');
    // Released: the retry runs at once instead of meeting an in-progress claim.
    await expect(o.once('publish:release', work)).resolves.toEqual({ messageId: 'm-r' });
    expect(work).toHaveBeenCalledTimes(2);
  });

  it('records the success although the first update was refused, so the work is not redone', async () => {
    const o = idempotentOnce({
      tableName: t.names.idempotency,
      client: refusing('UpdateItemCommand', 1),
      keyPrefix: 'success',
    });
    o.registerLambdaContext(contextWith(60_000));
    const work = vi.fn(async () => ({ messageId: 'm-s' }));

    await expect(o.once('publish:success', work)).resolves.toEqual({ messageId: 'm-s' });
    await expect(onceOn().once('publish:other', work)).resolves.toEqual({ messageId: 'm-s' });
    const again = idempotentOnce({ tableName: t.names.idempotency, client: t.client, keyPrefix: 'success' });
    again.registerLambdaContext(contextWith(60_000));
    await expect(again.once('publish:success', work)).resolves.toEqual({ messageId: 'm-s' });
    // Once for publish:success, once for publish:other.
    expect(work).toHaveBeenCalledTimes(2);
  });

  it('a bounded claim left behind holds its key for claimExpiresAfterMs, which the next invocation waits out', async () => {
    // Every update refused: the claim outlives its run however often it is retried.
    const first = idempotentOnce({
      tableName: t.names.idempotency,
      client: refusing('UpdateItemCommand', Number.POSITIVE_INFINITY),
      keyPrefix: 'bounded',
      claimExpiresAfterMs: 1_000,
    });
    // The invocation's deadline is a minute away; the claim's expiry is not.
    first.registerLambdaContext(contextWith(60_000));
    const work = vi.fn(async () => ({ messageId: 'm-b' }));
    await expect(first.once('publish:bounded', work)).rejects.toThrow(/success record/);
    expect(await statusOf('bounded')).toEqual(['INPROGRESS']);

    const waits: number[] = [];
    const second = idempotentOnce({
      tableName: t.names.idempotency,
      client: t.client,
      keyPrefix: 'bounded',
      claimExpiresAfterMs: 1_000,
      sleep: async (ms) => {
        waits.push(ms);
        await new Promise((resolve) => setTimeout(resolve, ms));
      },
    });
    second.registerLambdaContext(contextWith(60_000));
    await expect(second.once('publish:bounded', work)).resolves.toEqual({ messageId: 'm-b' });
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeLessThanOrEqual(1_100);
    expect(await statusOf('bounded')).toEqual(['COMPLETED']);
  });
});
