// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Serverless variables and CloudFormation Fn::Sub placeholders, compared as written in the YAML.
import { describe, expect, it } from 'vitest';
import { FLOW_METRICS, FUNCTION_KEYS } from '../../../src/observability/flow-metrics';
import { LogMessage } from '../../../src/observability/log-events';
import { loadCfnYaml } from './cfn-yaml';

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Condition?: string;
  Properties: Json;
}
interface Fragment {
  Conditions: Json;
  Resources: Record<string, Resource>;
}

const fragment = loadCfnYaml('infra/observability.yml') as Fragment;
const resources = fragment.Resources;

const upperFirst = (s: string): string => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;
const FUNCTION_IDS = FUNCTION_KEYS.map((key) => `${upperFirst(key)}LambdaFunction`);
const LOG_GROUP_IDS = FUNCTION_KEYS.map((key) => `${upperFirst(key)}LogGroup`);
const STREAM_CONSUMER_IDS = ['EvaluateMetricsLambdaFunction', 'DispatchAlertChangeLambdaFunction'];
const DLQ_IDS = [
  'EvaluateMetricsDeadLetterQueue',
  'DispatchAlertChangeDeadLetterQueue',
  'RecordWorkflowOutcomeDeadLetterQueue',
];

/** What serverless.yml and the other fragments define; this one may reference these and nothing else. */
const STACK_IDS = new Set([
  'MetricsTable',
  'AlertsTable',
  'AuditTable',
  'IdempotencyTable',
  ...FUNCTION_IDS,
  ...LOG_GROUP_IDS,
  ...DLQ_IDS,
  'RemediationStateMachine',
  'AlertsTopic',
  'HttpApi',
]);
const PSEUDO = new Set([
  'AWS::Region',
  'AWS::AccountId',
  'AWS::Partition',
  'AWS::StackName',
  'AWS::URLSuffix',
]);
const OWN_IDS = new Set(Object.keys(resources));

const ofType = (type: string): [string, Resource][] =>
  Object.entries(resources).filter(([, r]) => r.Type === type);

// ${self:...}, ${sls:...}, ${param:...} are Serverless variables (resolved before CloudFormation); the rest
// of ${...} inside Fn::Sub are CloudFormation references.
const subReferences = (text: string): string[] =>
  [...text.matchAll(/\$\{([^}!]+)\}/g)]
    .map((m) => m[1] as string)
    .filter((ref) => !/^(self|sls|param|opt|env):/.test(ref))
    .map((ref) => (PSEUDO.has(ref) ? ref : (ref.split('.')[0] as string)));

/** Every logical id the value refers to, through Ref, Fn::GetAtt or Fn::Sub. */
const referencedIds = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  if (typeof value !== 'object' || value === null) return [];
  const ids: string[] = [];
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'Ref' && typeof inner === 'string') ids.push(inner);
    else if (key === 'Fn::GetAtt' && Array.isArray(inner)) ids.push(String(inner[0]));
    else if (key === 'Fn::Sub') {
      const template = Array.isArray(inner) ? inner[0] : inner;
      if (typeof template === 'string') ids.push(...subReferences(template));
      if (Array.isArray(inner)) ids.push(...referencedIds(inner[1]));
    } else ids.push(...referencedIds(inner));
  }
  return ids;
};

describe('infra/observability.yml references', () => {
  it('refers only to resources of the stack, its own resources and pseudo parameters', () => {
    const unknown = referencedIds(resources).filter(
      (id) => !STACK_IDS.has(id) && !OWN_IDS.has(id) && !PSEUDO.has(id),
    );
    expect(unknown).toEqual([]);
  });
});

describe('the operations topic', () => {
  const topic = resources.OperationsTopic as Resource;

  it('is encrypted with a key CloudWatch alarms may use (the AWS managed aws/sns key would drop every notification)', () => {
    expect(topic.Type).toBe('AWS::SNS::Topic');
    expect(topic.Properties.KmsMasterKeyId).toEqual({ Ref: 'OperationsTopicKey' });
    const key = resources.OperationsTopicKey as Resource;
    const statements = (key.Properties.KeyPolicy as { Statement: Json[] }).Statement;
    const forCloudWatch = statements.find(
      (s) => (s.Principal as Json | undefined)?.Service === 'cloudwatch.amazonaws.com',
    );
    expect(forCloudWatch?.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
  });

  it('gets an email subscription only when params.alarmEmail is set', () => {
    expect(fragment.Conditions.HasAlarmEmail).toEqual({
      'Fn::Not': [{ 'Fn::Equals': ['${param:alarmEmail}', ''] }],
    });
    const subscriptions = ofType('AWS::SNS::Subscription');
    expect(subscriptions).toHaveLength(1);
    const [, subscription] = subscriptions[0] as [string, Resource];
    expect(subscription.Condition).toBe('HasAlarmEmail');
    expect(subscription.Properties).toMatchObject({
      TopicArn: { Ref: 'OperationsTopic' },
      Protocol: 'email',
      Endpoint: '${param:alarmEmail}',
    });
  });
});

describe('the alarms', () => {
  const alarms = ofType('AWS::CloudWatch::Alarm');

  /** Every metric an alarm reads, as [namespace, name, dimension values]. */
  const alarmMetrics = (alarm: Resource): { namespace: string; name: string; dimensions: Json[] }[] => {
    const p = alarm.Properties;
    if (typeof p.MetricName === 'string') {
      return [
        { namespace: String(p.Namespace), name: p.MetricName, dimensions: (p.Dimensions as Json[]) ?? [] },
      ];
    }
    return ((p.Metrics as Json[]) ?? []).flatMap((query) => {
      const stat = query.MetricStat as { Metric: Json } | undefined;
      if (stat === undefined) return [];
      return [
        {
          namespace: String(stat.Metric.Namespace),
          name: String(stat.Metric.MetricName),
          dimensions: (stat.Metric.Dimensions as Json[]) ?? [],
        },
      ];
    });
  };

  const alarmsOn = (name: string) =>
    alarms.filter(([, alarm]) => alarmMetrics(alarm).some((m) => m.name === name));
  const dimensionValues = (name: string) =>
    alarmsOn(name).flatMap(([, alarm]) =>
      alarmMetrics(alarm)
        .filter((m) => m.name === name)
        .flatMap((m) => m.dimensions.map((d) => d.Value)),
    );

  it('all notify the operations topic on ALARM and on OK, and say what missing data means', () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: 'OperationsTopic' }]);
      expect(alarm.Properties.OKActions, id).toEqual([{ Ref: 'OperationsTopic' }]);
      expect(alarm.Properties.TreatMissingData, id).toBe('notBreaching');
      expect(String(alarm.Properties.AlarmDescription), id).toContain('docs/operations.md#');
    }
  });

  it('read only AWS metrics or flow metrics', () => {
    for (const [id, alarm] of alarms) {
      for (const metric of alarmMetrics(alarm)) {
        if (metric.namespace === 'AiOps') expect(FLOW_METRICS, id).toContain(metric.name);
        else expect(metric.namespace, id).toMatch(/^AWS\//);
      }
    }
  });

  it('watch Errors on every function', () => {
    expect(dimensionValues('Errors')).toEqual(FUNCTION_IDS.map((id) => ({ Ref: id })));
    for (const [, alarm] of alarmsOn('Errors')) {
      expect(alarm.Properties).toMatchObject({
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
      });
    }
  });

  it('watch IteratorAge on both stream consumers, in seconds against params.iteratorAgeAlarmSeconds', () => {
    expect(dimensionValues('IteratorAge')).toEqual(STREAM_CONSUMER_IDS.map((id) => ({ Ref: id })));
    for (const [, alarm] of alarmsOn('IteratorAge')) {
      expect(alarm.Properties.Threshold).toBe('${param:iteratorAgeAlarmSeconds}');
      const returned = (alarm.Properties.Metrics as Json[]).find((q) => q.ReturnData === true);
      expect(returned?.Expression).toMatch(/^\w+ \/ 1000$/);
    }
  });

  it('fire on any message in either dead-letter queue', () => {
    expect(dimensionValues('ApproximateNumberOfMessagesVisible')).toEqual(
      DLQ_IDS.map((id) => ({ 'Fn::GetAtt': [id, 'QueueName'] })),
    );
    for (const [, alarm] of alarmsOn('ApproximateNumberOfMessagesVisible')) {
      expect(alarm.Properties).toMatchObject({
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
      });
    }
  });

  it('fire on any failed, timed-out or aborted remediation execution', () => {
    const workflow = alarmsOn('ExecutionsFailed');
    expect(workflow).toHaveLength(1);
    const [, alarm] = workflow[0] as [string, Resource];
    expect(alarmMetrics(alarm).map((m) => [m.namespace, m.name, m.dimensions[0]?.Value])).toEqual([
      ['AWS/States', 'ExecutionsFailed', { Ref: 'RemediationStateMachine' }],
      ['AWS/States', 'ExecutionsTimedOut', { Ref: 'RemediationStateMachine' }],
      ['AWS/States', 'ExecutionsAborted', { Ref: 'RemediationStateMachine' }],
    ]);
    expect(alarm.Properties).toMatchObject({
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });

  it('fire on the HTTP API 5xx rate above params.api5xxAlarmRate', () => {
    const api = alarmsOn('5xx');
    expect(api).toHaveLength(1);
    const [, alarm] = api[0] as [string, Resource];
    expect(alarmMetrics(alarm).map((m) => [m.namespace, m.name, m.dimensions])).toEqual([
      ['AWS/ApiGateway', '5xx', [{ Name: 'ApiId', Value: { Ref: 'HttpApi' } }]],
      ['AWS/ApiGateway', 'Count', [{ Name: 'ApiId', Value: { Ref: 'HttpApi' } }]],
    ]);
    expect(alarm.Properties.Threshold).toBe('${param:api5xxAlarmRate}');
    const returned = (alarm.Properties.Metrics as Json[]).find((q) => q.ReturnData === true);
    expect(returned?.Expression).toMatch(/errors \/ requests/);
  });
});

describe('the saved queries', () => {
  const queries = Object.fromEntries(
    ofType('AWS::Logs::QueryDefinition').map(([, q]) => [String(q.Properties.Name), q.Properties]),
  );
  const allLogGroups = LOG_GROUP_IDS.map((id) => ({ Ref: id }));

  it('are filed under <service>/<stage>/', () => {
    expect(Object.keys(queries).sort()).toEqual([
      '${self:service}/${sls:stage}/alert-trail',
      '${self:service}/${sls:stage}/alerts-created-per-station',
      '${self:service}/${sls:stage}/failures-by-function',
    ]);
  });

  it("follow one alert by alertId across every function's log group", () => {
    const trail = queries['${self:service}/${sls:stage}/alert-trail'] as Json;
    expect(trail.LogGroupNames).toEqual(allLogGroups);
    expect(trail.QueryString).toMatch(/filter alertId = /);
  });

  it('count failures per function across every log group', () => {
    const failures = queries['${self:service}/${sls:stage}/failures-by-function'] as Json;
    expect(failures.LogGroupNames).toEqual(allLogGroups);
    expect(failures.QueryString).toMatch(/level = 'ERROR'/);
    expect(failures.QueryString).toMatch(/stats count\(\*\).* by fn/);
  });

  it('count alerts per station from the line logAlertCreated writes', () => {
    const perStation = queries['${self:service}/${sls:stage}/alerts-created-per-station'] as Json;
    expect(perStation.LogGroupNames).toEqual([{ Ref: 'EvaluateMetricsLogGroup' }]);
    expect(perStation.QueryString).toContain(`message = '${LogMessage.AlertCreated}'`);
    expect(perStation.QueryString).toMatch(/by stationId/);
  });
});

describe('the dashboard', () => {
  const dashboards = ofType('AWS::CloudWatch::Dashboard');
  const template =
    (dashboards[0]?.[1].Properties.DashboardBody as { 'Fn::Sub': string } | undefined)?.['Fn::Sub'] ?? '';
  // Substitute the way Serverless and CloudFormation will, with sample values, so the body can be read.
  const body = JSON.parse(
    template
      .replaceAll('${self:service}', 'ai-ops')
      .replaceAll('${sls:stage}', 'ci')
      .replace(/\$\{([^}]+)\}/g, (_m, ref: string) => `resolved-${ref}`),
  ) as { widgets: { type: string; properties: Json }[] };

  type Row = unknown[];
  const metricWidgets = body.widgets.filter((w) => w.type === 'metric');
  const rows = (w: { properties: Json }): Row[] => (w.properties.metrics as Row[]) ?? [];
  const allRows = metricWidgets.flatMap(rows);
  const metricRows = allRows.filter((row) => typeof row[0] === 'string') as [string, string, ...unknown[]][];
  const expressions = allRows
    .map((row) => row[0])
    .filter((first): first is { expression: string } => typeof first === 'object' && first !== null)
    .map((e) => e.expression);

  it('is one dashboard whose body is a Fn::Sub string', () => {
    expect(dashboards).toHaveLength(1);
    expect(template).not.toBe('');
  });

  it('references only logical ids of the stack', () => {
    expect(subReferences(template).filter((id) => !STACK_IDS.has(id) && !PSEUDO.has(id))).toEqual([]);
  });

  it('charts only AWS metrics or flow metrics, never the "." shorthand', () => {
    for (const [namespace, name] of metricRows) {
      expect(namespace).not.toBe('.');
      if (namespace === 'AiOps') expect(FLOW_METRICS).toContain(name);
      else expect(namespace).toMatch(/^AWS\//);
    }
    for (const expression of expressions.filter((e) => e.startsWith('SEARCH('))) {
      expect(expression).toMatch(/^SEARCH\('\{AiOps,/);
      const [, name] = expression.match(/MetricName="(\w+)"/) ?? [];
      expect(FLOW_METRICS).toContain(name);
    }
  });

  it('queries flow metrics with the dimensions the helpers publish (service; AlertType and Severity; Function)', () => {
    for (const [namespace, , ...rest] of metricRows) {
      if (namespace === 'AiOps')
        expect(rest.filter((x) => typeof x === 'string')).toEqual(['service', 'ai-ops']);
    }
    const schemaOf = (metric: string) =>
      expressions.find((e) => e.includes(`MetricName="${metric}"`))?.match(/^SEARCH\('\{([^}]+)\}/)?.[1];
    expect(schemaOf('AlertsCreated')).toBe('AiOps,AlertType,Severity,service');
    expect(schemaOf('RecordsFailed')).toBe('AiOps,Function,service');
  });

  it('shows what the runbook points at', () => {
    const charted = (namespace: string, name: string) =>
      metricRows.filter(([ns, n]) => ns === namespace && n === name).map((row) => String(row[3]));
    const search = (name: string) => expressions.some((e) => e.includes(`MetricName="${name}"`));

    expect(search('AlertsCreated')).toBe(true);
    expect(search('RecordsFailed')).toBe(true);
    for (const name of [
      'AlertsApproved',
      'AlertsRejected',
      'WorkflowsSucceeded',
      'WorkflowsFailed',
      'NotificationsSent',
    ]) {
      expect(charted('AiOps', name), name).toHaveLength(1);
    }
    expect(charted('AWS/States', 'ExecutionsSucceeded')).toEqual(['resolved-RemediationStateMachine']);
    expect(charted('AWS/States', 'ExecutionsFailed')).toEqual(['resolved-RemediationStateMachine']);
    expect(charted('AWS/Lambda', 'IteratorAge')).toEqual(STREAM_CONSUMER_IDS.map((id) => `resolved-${id}`));
    expect(charted('AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toEqual(
      DLQ_IDS.map((id) => `resolved-${id}.QueueName`),
    );
    expect(charted('AWS/ApiGateway', '5xx')).toEqual(['resolved-HttpApi']);
    for (const name of ['Errors', 'Throttles']) {
      expect(charted('AWS/Lambda', name), name).toEqual(FUNCTION_IDS.map((id) => `resolved-${id}`));
    }
  });

  it('has Duration p50, p90 and p99 for every function', () => {
    for (const percentile of ['p50', 'p90', 'p99']) {
      const widget = metricWidgets.find((w) => w.properties.stat === percentile);
      const functions = rows(widget ?? { properties: {} })
        .filter((row) => row[0] === 'AWS/Lambda' && row[1] === 'Duration')
        .map((row) => row[3]);
      expect(functions, percentile).toEqual(FUNCTION_IDS.map((id) => `resolved-${id}`));
    }
  });

  it('lists the latest alerts from the line logAlertCreated writes', () => {
    const logs = body.widgets.filter((w) => w.type === 'log');
    expect(logs).toHaveLength(1);
    const query = String(logs[0]?.properties.query);
    expect(query).toContain("SOURCE 'resolved-EvaluateMetricsLogGroup'");
    expect(query).toContain(`message = '${LogMessage.AlertCreated}'`);
  });

  it('lays widgets on the 24-column grid', () => {
    for (const widget of body.widgets as unknown as { x: number; width: number }[]) {
      expect(widget.x + widget.width).toBeLessThanOrEqual(24);
    }
  });
});
