import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoAlertStore } from '../../../src/adapters/dynamodb/alert-store';
import { recordConsumedCapacity } from '../../../src/adapters/dynamodb/consumed-capacity';
import { DynamoMetricStore } from '../../../src/adapters/dynamodb/metric-store';
import { localClientConfig } from '../../../src/local/dynamodb-local';
import { CapacityTally, capacitySince, totalCapacity } from '../../../src/observability/consumed-capacity';
import { metric } from '../../support/metric-factory';
import { createTestTables, type TestTables } from '../../support/tables';
import { candidateAt, idOf } from './fixtures';

// Items of known size against DynamoDB's published rounding: a write is 1 unit per 1 KB (rounded up),
// an eventually consistent read half a unit per 4 KB, a strongly consistent one a whole unit per 4 KB.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
const padding = (bytes: number): string => 'x'.repeat(bytes);

let t: TestTables;
let tally: CapacityTally;
let doc: DynamoDBDocumentClient;
beforeAll(async () => {
  t = await createTestTables();
  tally = new CapacityTally();
  doc = DynamoDBDocumentClient.from(
    recordConsumedCapacity(new DynamoDBClient(localClientConfig(t.endpoint)), tally),
  );
});

/** What `work` consumed, as recorded. */
const consumedBy = async (work: () => Promise<unknown>) => {
  const before = tally.snapshot();
  await work();
  return capacitySince(before, tally.snapshot());
};

describe('consumed capacity as DynamoDB reports it', () => {
  it('sums writes and reads of known sizes by table and operation', async () => {
    const table = t.names.metrics;
    const writes = await consumedBy(async () => {
      await doc.send(
        new PutCommand({ TableName: table, Item: { stationId: 'CAP_1', timestamp: 1, pad: padding(300) } }),
      );
      await doc.send(
        new PutCommand({ TableName: table, Item: { stationId: 'CAP_1', timestamp: 2, pad: padding(2500) } }),
      );
    });
    // 1 unit (under 1 KB) + 3 units (2.5 KB rounds up to 3)
    expect(writes).toEqual([{ table, operation: 'PutItem', readUnits: 0, writeUnits: 4, requests: 2 }]);

    const reads = await consumedBy(async () => {
      await doc.send(new GetCommand({ TableName: table, Key: { stationId: 'CAP_1', timestamp: 2 } }));
      await doc.send(
        new GetCommand({ TableName: table, Key: { stationId: 'CAP_1', timestamp: 2 }, ConsistentRead: true }),
      );
    });
    expect(reads).toEqual([{ table, operation: 'GetItem', readUnits: 1.5, writeUnits: 0, requests: 2 }]);
  });

  it('counts every item of a batch write, and a Query by the size it read', async () => {
    const table = t.names.metrics;
    const items = [1, 2, 3].map((timestamp) => ({ stationId: 'CAP_2', timestamp, pad: padding(1500) }));
    const batch = await consumedBy(() =>
      doc.send(
        new BatchWriteCommand({ RequestItems: { [table]: items.map((Item) => ({ PutRequest: { Item } })) } }),
      ),
    );
    expect(totalCapacity(batch)).toEqual({ readUnits: 0, writeUnits: 6, requests: 1 });

    // ~4.5 KB read eventually consistent: two 4 KB blocks at half a unit each.
    const query = await consumedBy(() =>
      doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'stationId = :s',
          ExpressionAttributeValues: { ':s': 'CAP_2' },
        }),
      ),
    );
    expect(query).toEqual([{ table, operation: 'Query', readUnits: 1, writeUnits: 0, requests: 1 }]);
  });

  it('sees what the product adapters consume: one reading stored is one write unit', async () => {
    const metrics = new DynamoMetricStore({ doc, tableName: t.names.metrics });
    const stored = await consumedBy(() => metrics.put(metric({ stationId: 'CAP_3' })));
    expect(totalCapacity(stored)).toMatchObject({ writeUnits: 1, requests: 1 });
  });

  it('merges a trigger into a PENDING alert without writing StatusIndex (its one PENDING key)', async () => {
    const alerts = new DynamoAlertStore({ doc, tableName: t.names.alerts });
    const first = candidateAt(1_700_000_000_000, { stationId: 'CAP_MERGE' });
    await alerts.raise(first, idOf(first), 1_750_000_000_000);
    const later = { ...first, triggeredAt: first.triggeredAt + 60_000 };

    const merged = await consumedBy(() => alerts.raise(later, idOf(later), 1_750_000_060_000));

    // The row is under 1 KB: one unit is the table's write alone; the index would have made it two.
    expect(merged).toEqual([
      { table: t.names.alerts, operation: 'UpdateItem', readUnits: 0, writeUnits: 1, requests: 1 },
    ]);
    // What the index does project still costs its write: the count above would see one.
    const projected = await consumedBy(() =>
      doc.send(
        new UpdateCommand({
          TableName: t.names.alerts,
          Key: { alertId: idOf(first) },
          UpdateExpression: 'SET deadlineAt = :d',
          ExpressionAttributeValues: { ':d': 1_750_000_100_000 },
        }),
      ),
    );
    expect(totalCapacity(projected).writeUnits).toBe(2);
  });

  it('leaves a caller that asks for the capacity itself its own answer', async () => {
    const out = await doc.send(
      new PutCommand({
        TableName: t.names.metrics,
        Item: { stationId: 'CAP_4', timestamp: 1 },
        ReturnConsumedCapacity: 'INDEXES',
      }),
    );
    expect(out.ConsumedCapacity?.Table?.CapacityUnits).toBe(1);
  });
});
