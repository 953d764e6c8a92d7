import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createTestTables } from '../support/tables';

describe('DynamoDB Local harness', () => {
  it('creates the tables of the definition with their keys, indexes, streams and TTL', async () => {
    const { client, names } = await createTestTables();
    const alerts = (await client.send(new DescribeTableCommand({ TableName: names.alerts }))).Table;
    expect(alerts?.TableStatus).toBe('ACTIVE');
    expect(alerts?.KeySchema).toEqual([{ AttributeName: 'alertId', KeyType: 'HASH' }]);
    expect(alerts?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([
      'SilenceIndex',
      'StatusIndex',
    ]);
    expect(alerts?.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });

    const audit = (await client.send(new DescribeTableCommand({ TableName: names.audit }))).Table;
    expect(audit?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([
      'AlertIndex',
      'TimeIndex',
    ]);
    expect(audit?.StreamSpecification?.StreamEnabled ?? false).toBe(false);
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: names.audit }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'ttl', TimeToLiveStatus: 'ENABLED' });

    const metrics = (await client.send(new DescribeTableCommand({ TableName: names.metrics }))).Table;
    expect(metrics?.KeySchema).toEqual([
      { AttributeName: 'stationId', KeyType: 'HASH' },
      { AttributeName: 'timestamp', KeyType: 'RANGE' },
    ]);
  });
});
