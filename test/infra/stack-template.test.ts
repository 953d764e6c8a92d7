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
        // What its queries filter on, nothing a merge changes (docs/scale.md, "StatusIndex").
        Projection: {
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: ['stationId', 'deadlineAt', 'rejectionCode'],
        },
      },
      // Silences only (docs/rules.md, "Silences"): sparse, only silence rows have silenceSet.
      {
        IndexName: 'SilenceIndex',
        KeySchema: [
          { AttributeName: 'silenceSet', KeyType: 'HASH' },
          { AttributeName: 'endsAt', KeyType: 'RANGE' },
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
    expect(functions().length).toBe(9);
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

  it('gives the evaluator a 15-minute tumbling window (its memory proof) and the dispatcher none', () => {
    const mappings = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::Lambda::EventSourceMapping',
    );
    const windows = Object.fromEntries(
      mappings.map((m) => [
        JSON.stringify(m.Properties?.FunctionName),
        m.Properties?.TumblingWindowInSeconds,
      ]),
    );
    const evaluator = Object.keys(windows).find((name) => name.includes('EvaluateMetrics'));
    const dispatcher = Object.keys(windows).find((name) => name.includes('DispatchAlertChange'));
    expect(evaluator && windows[evaluator]).toBe(900);
    expect(dispatcher && windows[dispatcher]).toBeUndefined();
  });
});

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
const statementsOf = (roleId: string): Statement[] => {
  const role = template.Resources[roleId];
  expect(role?.Type, roleId).toBe('AWS::IAM::Role');
  const policies = (role?.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
};
const actionsOf = (roleId: string): string[] =>
  statementsOf(roleId)
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
    .sort();

describe('the packaged stack: least privilege', () => {
  const DATA_ACTIONS: Record<string, string[]> = {
    IngestMetricsRole: ['dynamodb:BatchWriteItem'],
    // Queries: StatusIndex, the trail (AlertIndex), rule statistics (TimeIndex), SilenceIndex.
    QueryAlertsRole: [
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:Query',
      'dynamodb:Query',
      'dynamodb:Query',
    ],
    DecideAlertRole: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    SweepAlertsRole: [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:Query',
      'dynamodb:Query',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'dynamodb:UpdateItem',
    ],
    QueryStationMetricsRole: ['dynamodb:Query'],
    PlanRemediationRole: [],
    RecordWorkflowOutcomeRole: ['dynamodb:PutItem', 'sqs:SendMessage'],
  };

  it('gives each function only the data actions it uses', () => {
    for (const [role, actions] of Object.entries(DATA_ACTIONS)) {
      const data = actionsOf(role).filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'));
      expect(data, role).toEqual(actions);
    }
  });

  it('lets only the dispatcher start the workflow and publish to the alerts topic', () => {
    const roles = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .map(([id]) => id);
    const holders = (action: string) => roles.filter((id) => actionsOf(id).includes(action));
    expect(holders('states:StartExecution')).toEqual(['DispatchAlertChangeRole']);
    expect(holders('sns:Publish').sort()).toEqual(['DispatchAlertChangeRole', 'RemediationStateMachineRole']);
    const publish = statementsOf('DispatchAlertChangeRole').find((s) =>
      [s.Action].flat().includes('sns:Publish'),
    );
    expect(publish?.Resource).toEqual({ Ref: 'AlertsTopic' });
  });

  it('scopes every function role to its own log group and never grants a wildcard data action', () => {
    for (const [id, r] of Object.entries(template.Resources)) {
      if (r.Type !== 'AWS::IAM::Role' || !id.endsWith('Role') || id.startsWith('Remediation')) continue;
      for (const s of statementsOf(id)) {
        const actions = [s.Action].flat();
        expect(
          actions.some((a) => a.endsWith(':*') || a === '*'),
          `${id} ${actions}`,
        ).toBe(false);
        if (actions.some((a) => a.startsWith('logs:')))
          expect(JSON.stringify(s.Resource)).toMatch(/log-group:\/aws\/lambda\/ai-ops-ci-/);
        else if (!actions.some((a) => a.startsWith('xray:')))
          expect(s.Resource, `${id} ${actions}`).not.toBe('*');
      }
    }
  });
});

describe('the packaged stack: observability', () => {
  it('gives every function a log group with a retention', () => {
    const fnNames = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => r.Properties?.FunctionName);
    const groups = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Logs::LogGroup');
    for (const name of fnNames) {
      const group = groups.find((g) => g.Properties?.LogGroupName === `/aws/lambda/${name}`);
      expect(group, String(name)).toBeDefined();
      expect(group?.Properties?.RetentionInDays, String(name)).toBe(14);
    }
  });

  it('gives every alarm an action', () => {
    const alarms = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(10);
    for (const [id, alarm] of alarms)
      expect((alarm.Properties?.AlarmActions as unknown[])?.length, id).toBeGreaterThan(0);
  });

  it('builds the dashboard only from resources of the stack', () => {
    const dashboard = Object.values(template.Resources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard?.Properties?.DashboardBody);
    const referenced = [...body.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}/g)].map((m) => m[1] ?? '');
    expect(referenced.length).toBeGreaterThan(0);
    for (const id of referenced) {
      if (id.startsWith('AWS')) continue;
      expect(template.Resources[id], id).toBeDefined();
    }
  });
});
