import { readFileSync } from 'node:fs';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { parse, type ScalarTag } from 'yaml';
import { ALERT_TYPES } from '../../../src/domain/types';
import { loadRemediationDefinition, REMEDIATION_DEFINITION_PATH } from '../../../src/local/workflow-runner';

const rawText = readFileSync(REMEDIATION_DEFINITION_PATH, 'utf8');
const raw: unknown = JSON.parse(rawText);

const substitutions = {
  PlanRemediationFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:ai-ops-test-planRemediation',
  AlertsTableName: 'ai-ops-alerts-test',
  AlertsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ai-ops-alerts-test',
};

/** CloudFormation short forms, enough to read infra/workflow.yml as data. */
const cfnTags: ScalarTag[] = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
  { tag: '!Sub', resolve: (value: string) => ({ 'Fn::Sub': value }) },
];

interface TaskState {
  Type: string;
  Resource: string;
  Parameters?: Record<string, unknown>;
  ResultSelector?: Record<string, unknown>;
  Retry?: { ErrorEquals: string[]; BackoffRate?: number; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
}

const definition = loadRemediationDefinition(substitutions);
const states = definition.States as unknown as Record<string, TaskState & { Choices?: unknown[] }>;
const tasks = Object.entries(states).filter(([, state]) => state.Type === 'Task');
const planTasks = tasks.filter(([, state]) => state.Resource === 'arn:aws:states:::lambda:invoke');

describe('remediation workflow definition', () => {
  it('is valid ASL as stored, placeholders included', () => {
    const result = aslValidator(raw, { checkArn: true, checkPaths: true });
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('is valid ASL once the DefinitionSubstitutions are applied', () => {
    const result = aslValidator(definition, { checkArn: true, checkPaths: true });
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
    expect(JSON.stringify(definition)).not.toContain('${');
  });

  it('uses exactly the placeholders infra/workflow.yml substitutes', () => {
    const fragment = parse(readFileSync('infra/workflow.yml', 'utf8'), { customTags: cfnTags });
    const properties = fragment.Resources.RemediationStateMachine.Properties;
    const placeholders = new Set([...rawText.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]));
    expect([...placeholders].sort()).toEqual(Object.keys(properties.DefinitionSubstitutions).sort());
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, kept literal on purpose
    expect(properties.Definition).toBe('${file(infra/remediation-workflow.asl.json)}');
    expect(properties.DefinitionSubstitutions).toEqual({
      PlanRemediationFunctionArn: { 'Fn::GetAtt': ['PlanRemediationLambdaFunction', 'Arn'] },
      AlertsTableName: { Ref: 'AlertsTable' },
      AlertsTopicArn: { Ref: 'AlertsTopic' },
    });
  });

  it('routes every alert type to its own plan task', () => {
    const choices = states[definition.StartAt]?.Choices as {
      Variable: string;
      StringEquals?: string;
      Next: string;
    }[];
    for (const alertType of ALERT_TYPES) {
      const choice = choices.find((c) => c.StringEquals === alertType);
      expect(choice, alertType).toBeDefined();
      const task = states[choice?.Next ?? ''];
      expect(task?.Resource).toBe('arn:aws:states:::lambda:invoke');
      expect(task?.Parameters).toEqual({
        FunctionName: substitutions.PlanRemediationFunctionArn,
        Payload: { planType: alertType, 'alert.$': '$' },
      });
      expect(task?.ResultSelector?.planType).toBe(alertType);
    }
    expect(planTasks).toHaveLength(ALERT_TYPES.length);
    expect((states[definition.StartAt] as unknown as { Default: string }).Default).toBe('UnknownAlertType');
  });

  it('retries transient Lambda errors with backoff and catches everything on every plan task', () => {
    for (const [name, task] of planTasks) {
      const errors = task.Retry?.flatMap((retrier) => retrier.ErrorEquals);
      expect(errors, name).toEqual(
        expect.arrayContaining([
          'Lambda.ServiceException',
          'Lambda.AWSLambdaException',
          'Lambda.SdkClientException',
          'Lambda.TooManyRequestsException',
          'States.Timeout',
        ]),
      );
      expect(
        task.Retry?.every((retrier) => (retrier.BackoffRate ?? 0) > 1),
        name,
      ).toBe(true);
      expect(task.Catch?.[0]?.ErrorEquals, name).toEqual(['States.ALL']);
    }
  });

  it('every task has a Retry and a Catch, and only the failure path reaches the Fail state', () => {
    for (const [name, task] of tasks) {
      expect(task.Retry?.length, name).toBeGreaterThan(0);
      expect(task.Catch?.length, name).toBeGreaterThan(0);
    }
    const fail = Object.entries(states).filter(([, state]) => state.Type === 'Fail');
    expect(fail.map(([name]) => name)).toEqual(['RemediationFailed']);
  });

  it('writes to the alerts table and topic of the substitutions only', () => {
    const resources = new Set(tasks.map(([, task]) => task.Resource));
    expect([...resources].sort()).toEqual([
      'arn:aws:states:::dynamodb:updateItem',
      'arn:aws:states:::lambda:invoke',
      'arn:aws:states:::sns:publish',
    ]);
    for (const [, task] of tasks) {
      if (task.Resource.endsWith('dynamodb:updateItem')) {
        expect(task.Parameters?.TableName).toBe(substitutions.AlertsTableName);
      }
      if (task.Resource.endsWith('sns:publish'))
        expect(task.Parameters?.TopicArn).toBe(substitutions.AlertsTopicArn);
    }
  });
});
