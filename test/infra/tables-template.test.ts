import { beforeAll, describe, expect, it } from 'vitest';
import { loadServiceDefinition } from '../../src/local/service-definition';
import { packageStack, type Template } from '../support/packaged-template';

let template: Template;
beforeAll(async () => {
  template = await packageStack('ci');
}, 180_000);

const table = (logicalId: string) => {
  const resource = template.Resources[logicalId];
  expect(resource?.Type).toBe('AWS::DynamoDB::Table');
  return resource?.Properties ?? {};
};

describe('the packaged stack: tables of record (seed 003)', () => {
  it('names the tables after the stage', () => {
    expect(table('MetricsTable').TableName).toBe('ai-ops-metrics-ci');
    expect(table('AlertsTable').TableName).toBe('ai-ops-alerts-ci');
    expect(table('AuditTable').TableName).toBe('ai-ops-audit-ci');
  });

  it('metrics: stationId + timestamp, TTL ttl, stream with both images', () => {
    const p = table('MetricsTable');
    expect(p.KeySchema).toEqual([
      { AttributeName: 'stationId', KeyType: 'HASH' },
      { AttributeName: 'timestamp', KeyType: 'RANGE' },
    ]);
    expect(p.AttributeDefinitions).toEqual([
      { AttributeName: 'stationId', AttributeType: 'S' },
      { AttributeName: 'timestamp', AttributeType: 'N' },
    ]);
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
    expect(p.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(p.GlobalSecondaryIndexes).toBeUndefined();
  });

  it('alerts: alertId, StatusIndex (status S, createdAt N), stream with both images', () => {
    const p = table('AlertsTable');
    expect(p.KeySchema).toEqual([{ AttributeName: 'alertId', KeyType: 'HASH' }]);
    expect(p.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'StatusIndex',
        KeySchema: [
          { AttributeName: 'status', KeyType: 'HASH' },
          { AttributeName: 'createdAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
    expect(p.AttributeDefinitions).toContainEqual({ AttributeName: 'createdAt', AttributeType: 'N' });
    expect(p.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  it('audit: taskId, AlertIndex and TimeIndex with numeric timestamp, TTL ttl', () => {
    const p = table('AuditTable');
    expect(p.KeySchema).toEqual([{ AttributeName: 'taskId', KeyType: 'HASH' }]);
    const indexes = p.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown }[];
    expect(Object.fromEntries(indexes.map((i) => [i.IndexName, i.KeySchema]))).toEqual({
      AlertIndex: [
        { AttributeName: 'alertId', KeyType: 'HASH' },
        { AttributeName: 'timestamp', KeyType: 'RANGE' },
      ],
      TimeIndex: [
        { AttributeName: 'actionType', KeyType: 'HASH' },
        { AttributeName: 'timestamp', KeyType: 'RANGE' },
      ],
    });
    expect(p.AttributeDefinitions).toContainEqual({ AttributeName: 'timestamp', AttributeType: 'N' });
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
  });

  it('every table: on-demand, point-in-time recovery, encryption; deleted with a non-prod stack', () => {
    for (const id of ['MetricsTable', 'AlertsTable', 'AuditTable', 'IdempotencyTable']) {
      const p = table(id);
      expect(p.BillingMode, id).toBe('PAY_PER_REQUEST');
      expect(p.PointInTimeRecoverySpecification, id).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(p.SSESpecification, id).toEqual({ SSEEnabled: true });
      expect(template.Resources[id]?.DeletionPolicy, id).toBe('Delete');
    }
  });

  it('the prod stage retains its tables on stack deletion', async () => {
    const prod = await loadServiceDefinition('prod');
    for (const id of ['MetricsTable', 'AlertsTable', 'AuditTable', 'IdempotencyTable']) {
      expect(prod.resources.Resources[id]?.DeletionPolicy, id).toBe('Retain');
      expect(prod.resources.Resources[id]?.UpdateReplacePolicy, id).toBe('Retain');
    }
  });
});

describe('the packaged stack: functions', () => {
  const functions = () =>
    Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');

  it('runs every function on nodejs22.x with its own role', () => {
    const roles = new Set<string>();
    for (const [id, fn] of functions()) {
      expect(fn.Properties?.Runtime, id).toBe('nodejs22.x');
      const role = JSON.stringify(fn.Properties?.Role);
      expect(roles.has(role), `${id} shares a role`).toBe(false);
      roles.add(role);
    }
    expect(functions().length).toBe(7);
  });

  it('wires the stream consumers with partial batch failures, bisect, bounded retries and a DLQ', () => {
    const mappings = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::Lambda::EventSourceMapping',
    );
    expect(mappings).toHaveLength(2);
    for (const m of mappings) {
      expect(m.Properties).toMatchObject({
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 5,
        MaximumRecordAgeInSeconds: 3600,
      });
      expect(JSON.stringify(m.Properties?.DestinationConfig)).toMatch(/DeadLetterQueue/);
    }
  });
});
