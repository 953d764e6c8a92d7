import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type { SpecDatabase } from '@aws-cdk/service-spec-types';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROD_PARAMS, packageStack, type Template } from '../support/packaged-template';
import { iamProblems, resourceSchemaProblems } from '../support/template-checks';

/**
 * The packaged template (dev and prod) against the CloudFormation resource schemas and the IAM service
 * reference, offline; and a broken copy per check, so a check that cannot fail is caught too.
 */
let db: SpecDatabase;
const stacks: Record<string, Template> = {};
beforeAll(async () => {
  db = await loadAwsServiceSpec();
  stacks.dev = await packageStack('dev');
  stacks.prod = await packageStack('prod', PROD_PARAMS);
}, 300_000);

/** A deep copy of the dev template with one change. */
const broken = (change: (t: Template) => void): Template => {
  const copy = structuredClone(stacks.dev) as Template;
  change(copy);
  return copy;
};
const props = (t: Template, id: string) => t.Resources[id]?.Properties as Record<string, unknown>;
type Statement = { Action: string | string[]; Resource: unknown };
const roleStatements = (t: Template, role: string): Statement[] =>
  (props(t, role).Policies as { PolicyDocument: { Statement: Statement[] } }[])[0]?.PolicyDocument
    .Statement ?? [];
/** The statement of the role that grants `action`. */
const granting = (t: Template, role: string, action: string): Statement => {
  const statement = roleStatements(t, role).find((s) => [s.Action].flat().includes(action));
  if (!statement) throw new Error(`${role} grants no ${action}`);
  return statement;
};

describe.each(['dev', 'prod'])('the %s template', (stage) => {
  it('matches the CloudFormation resource schemas (properties, types, required, allowed values, GetAtt)', () => {
    expect(resourceSchemaProblems(stacks[stage] as Template, db)).toEqual([]);
  });

  it('grants only IAM actions that exist, each on resources it applies to', async () => {
    expect(await iamProblems(stacks[stage] as Template)).toEqual([]);
  });
});

describe('a broken copy fails the check it breaks', () => {
  it.each<[string, (t: Template) => void, RegExp]>([
    [
      'a misspelt property',
      (t) => {
        props(t, 'MetricsTable').BillingMod = 'PAY_PER_REQUEST';
      },
      /MetricsTable\.BillingMod: no such property/,
    ],
    [
      'a value of the wrong type',
      (t) => {
        props(t, 'EvaluateMetricsDeadLetterQueue').MessageRetentionPeriod = 'two weeks';
      },
      /EvaluateMetricsDeadLetterQueue\.MessageRetentionPeriod: expected a number/,
    ],
    [
      'a missing required property',
      (t) => {
        delete props(t, 'AlertsTable').KeySchema;
      },
      /AlertsTable\.KeySchema: required/,
    ],
    [
      'a value outside the allowed ones',
      (t) => {
        props(t, 'RemediationStateMachineLogGroup').RetentionInDays = 13;
      },
      /RetentionInDays: 13 is not one of/,
    ],
    [
      'a nested property of the wrong type',
      (t) => {
        props(t, 'MetricsTable').KeySchema = [{ AttributeName: 'stationId', KeyType: ['HASH'] }];
      },
      /MetricsTable\.KeySchema\[0\]\.KeyType: expected a string/,
    ],
    [
      'a GetAtt of an attribute the resource does not have',
      (t) => {
        props(t, 'EvaluateMetricsDeadLetterAlarm').Dimensions = [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': ['EvaluateMetricsDeadLetterQueue', 'Name'] } },
        ];
      },
      /AWS::SQS::Queue EvaluateMetricsDeadLetterQueue has no attribute Name/,
    ],
  ])('resource schemas: %s', (_what, change, problem) => {
    const problems = resourceSchemaProblems(broken(change), db);
    expect(problems.join('\n')).toMatch(problem);
  });

  it.each<[string, (t: Template) => void, RegExp]>([
    [
      'an action that does not exist',
      (t) => {
        granting(t, 'IngestMetricsRole', 'dynamodb:BatchWriteItem').Action = ['dynamodb:BatchWriteItems'];
      },
      /dynamodb:BatchWriteItems is not an IAM action/,
    ],
    [
      'ListStreams on a stream ARN (it only works on "*")',
      (t) => {
        const statement = granting(t, 'EvaluateMetricsRole', 'dynamodb:GetRecords');
        statement.Action = [...[statement.Action].flat(), 'dynamodb:ListStreams'];
      },
      /dynamodb:ListStreams supports only Resource "\*"/,
    ],
    [
      'a stream action on the table instead of its stream',
      (t) => {
        granting(t, 'EvaluateMetricsRole', 'dynamodb:GetRecords').Resource = {
          'Fn::GetAtt': ['MetricsTable', 'Arn'],
        };
      },
      /dynamodb:GetRecords does not apply to .*:table\/[^/]+ \(it takes stream\)/,
    ],
    [
      'sns:Publish on a queue',
      (t) => {
        granting(t, 'DispatchAlertChangeRole', 'sns:Publish').Resource = {
          'Fn::GetAtt': ['DispatchAlertChangeDeadLetterQueue', 'Arn'],
        };
      },
      /sns:Publish does not apply to arn:aws:sqs:/,
    ],
  ])('IAM: %s', async (_what, change, problem) => {
    const problems = await iamProblems(broken(change));
    expect(problems.join('\n')).toMatch(problem);
  });
});
