import { beforeAll, describe, expect, it } from 'vitest';
import { PROD_PARAMS, packageFailure, packageStack, type Template } from '../support/packaged-template';

/** Defects an offline review of the packaged template found; each test holds its fix. */
let dev: Template;
let prod: Template;
beforeAll(async () => {
  [dev, prod] = await Promise.all([packageStack('dev'), packageStack('prod', PROD_PARAMS)]);
}, 300_000);

type Resource = Template['Resources'][string];
const ofType = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const getAttTarget = (value: unknown): string | undefined => {
  const att = (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  return att?.[0];
};

/** Every queue a record or event can be given up to: on-failure destinations and dead-letter queues. */
const deadLetterQueues = (template: Template): Set<string> => {
  const queues = new Set<string>();
  for (const [, r] of Object.entries(template.Resources)) {
    const p = (r.Properties ?? {}) as Record<string, unknown>;
    const destinations = [
      (p.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination,
      (p.DeadLetterConfig as { TargetArn?: unknown } | undefined)?.TargetArn,
      ...((p.Targets as { DeadLetterConfig?: { Arn?: unknown } }[] | undefined) ?? []).map(
        (t) => t.DeadLetterConfig?.Arn,
      ),
    ];
    for (const d of destinations) {
      const id = getAttTarget(d);
      if (id && template.Resources[id]?.Type === 'AWS::SQS::Queue') queues.add(id);
    }
  }
  return queues;
};

describe('the packaged stack: defects of the offline review stay fixed', () => {
  it('every dead-letter or on-failure queue has an alarm on visible messages and a dashboard line', () => {
    for (const template of [dev, prod]) {
      const queues = deadLetterQueues(template);
      expect([...queues].sort()).toEqual([
        'DispatchAlertChangeDeadLetterQueue',
        'EvaluateMetricsDeadLetterQueue',
        'RecordWorkflowOutcomeDeadLetterQueue',
      ]);
      const alarmed = ofType(template, 'AWS::CloudWatch::Alarm')
        .map(([, a]) => a.Properties as { MetricName?: string; Dimensions?: { Value: unknown }[] })
        .filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')
        .flatMap((a) => (a.Dimensions ?? []).map((d) => getAttTarget(d.Value)));
      const dashboard = JSON.stringify(ofType(template, 'AWS::CloudWatch::Dashboard')[0]?.[1].Properties);
      for (const queue of queues) {
        expect(alarmed, queue).toContain(queue);
        expect(dashboard, queue).toContain(`\${${queue}.QueueName}`);
      }
    }
  });

  it('EventBridge may write to the dead-letter queue only for the workflow-outcome rule', () => {
    const [, policy] = ofType(dev, 'AWS::SQS::QueuePolicy')[0] ?? [];
    const document = policy?.Properties?.PolicyDocument as
      | { Statement: Record<string, unknown>[] }
      | undefined;
    const statements = document?.Statement ?? [];
    const fromEvents = statements.filter((s) => JSON.stringify(s.Principal).includes('events.amazonaws.com'));
    expect(fromEvents).toHaveLength(1);
    const sourceArn = JSON.stringify((fromEvents[0]?.Condition as Record<string, unknown>)?.ArnEquals);
    // The workflow-outcome rule matches events; the sweep's rule is a schedule.
    const [, rule] = ofType(dev, 'AWS::Events::Rule').find(([, r]) => r.Properties?.EventPattern) ?? [];
    const ruleName = rule?.Properties?.Name as string;
    expect(ruleName).toBe('ai-ops-dev-workflow-outcome');
    expect(sourceArn).toContain(`:rule/${ruleName}`);
  });

  it('every stateful resource says what happens on delete and replace; prod keeps data, not logs', () => {
    const stateful = ['AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::KMS::Key', 'AWS::Logs::LogGroup'];
    for (const [stage, template] of [
      ['dev', dev],
      ['prod', prod],
    ] as const) {
      for (const [id, r] of Object.entries(template.Resources).filter(([, r]) => stateful.includes(r.Type))) {
        expect(r.DeletionPolicy, `${stage} ${id}`).toMatch(/^(Delete|Retain|Snapshot|RetainExceptOnCreate)$/);
        expect(r.UpdateReplacePolicy, `${stage} ${id}`).toBe(r.DeletionPolicy);
        const keeps = r.Type === 'AWS::DynamoDB::Table' || r.Type === 'AWS::SQS::Queue';
        expect(r.DeletionPolicy, `${stage} ${id}`).toBe(stage === 'prod' && keeps ? 'Retain' : 'Delete');
      }
    }
  });

  it('the HTTP API stage writes access logs to a log group with the stage retention', () => {
    for (const [template, days] of [
      [dev, 14],
      [prod, 90],
    ] as const) {
      const stage = template.Resources.HttpApiStage?.Properties as {
        AccessLogSettings?: { DestinationArn: unknown; Format: string };
      };
      const group = getAttTarget(stage.AccessLogSettings?.DestinationArn) ?? '';
      expect(template.Resources[group]?.Properties?.RetentionInDays).toBe(days);
      const format = JSON.parse(stage.AccessLogSettings?.Format ?? '{}') as Record<string, string>;
      expect(Object.values(format)).toEqual(
        expect.arrayContaining([
          '$context.requestId',
          '$context.routeKey',
          '$context.status',
          '$context.responseLatency',
          '$context.integrationErrorMessage',
        ]),
      );
    }
  });

  it('prod refuses to package with the placeholder issuer or no alarm email, naming the parameter', async () => {
    // Side by side: each is a `serverless package` of its own folder, seconds of start-up apiece.
    const [placeholders, noEmail, exampleIssuer] = await Promise.all([
      packageFailure('prod'),
      packageFailure('prod', { jwtIssuerUrl: PROD_PARAMS.jwtIssuerUrl }),
      packageFailure('prod', {
        jwtIssuerUrl: 'https://issuer.example.com/',
        alarmEmail: PROD_PARAMS.alarmEmail,
      }),
    ]);
    expect(placeholders).toMatch(/jwtIssuerUrl/);
    expect(placeholders).toMatch(/alarmEmail/);
    expect(noEmail).toMatch(/alarmEmail is empty/);
    expect(noEmail).not.toMatch(/jwtIssuerUrl is/);
    expect(exampleIssuer).toMatch(/jwtIssuerUrl is "https:\/\/issuer\.example\.com\/"/);
  }, 300_000);
});
