import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { idempotentOnce } from '../../../src/adapters/idempotency/once';
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
