import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { ALERT_TYPES, type AlertType } from '../../../src/domain/types';
import { lambdaContext } from '../../../src/local/lambda-context';
import { ExecutionAlreadyExistsError } from '../../../src/local/workflow-runner';
import { approvedAlert } from './fixtures';
import { awsError, harness, NOW, STATE_MACHINE_ARN, substitutions } from './harness';

const ACTIONS: Record<AlertType, string> = {
  LOW_INVENTORY: 'REBALANCE_BATTERIES',
  CHARGER_DOWN: 'DISPATCH_TECHNICIAN',
  HIGH_DEMAND: 'SURGE_RESPONSE',
  FAULT_PATTERN: 'REMOTE_DIAGNOSTICS',
  STATION_OFFLINE: 'RESTORE_CONNECTIVITY',
};
const COMPLETED_AT = new Date(NOW).toISOString();

/** The `remediation` map the workflow SETs on the alert, as plain data. */
const remediationOf = (values: Record<string, AttributeValue> | undefined): Record<string, unknown> =>
  unmarshall({ remediation: values?.[':remediation'] ?? { NULL: true } }).remediation;

const attributesOf = (attributes: Record<string, MessageAttributeValue> | undefined) =>
  Object.fromEntries(Object.entries(attributes ?? {}).map(([key, value]) => [key, value.StringValue]));

describe('remediation workflow, executed locally from infra/remediation-workflow.asl.json', () => {
  it.each(ALERT_TYPES)(
    '%s: plans, records SUCCEEDED on the alert and publishes the outcome',
    async (alertType) => {
      const { workflow, updates, published, events } = harness();
      const alert = approvedAlert(alertType);
      const execution = workflow.start(`${alert.alertId}-1`, alert);
      const result = await execution.done;

      expect(result.status).toBe('SUCCEEDED');
      const output = result.output as Record<string, unknown> & { plan: Record<string, unknown> };
      expect(output).toMatchObject({
        event: 'REMEDIATION_SUCCEEDED',
        status: 'SUCCEEDED',
        alertId: alert.alertId,
        stationId: alert.stationId,
        alertType,
        severity: alert.severity,
        planType: alertType,
        completedAt: COMPLETED_AT,
        notification: { messageId: 'message-1' },
      });
      expect(output.plan).toMatchObject({
        planType: alertType,
        action: ACTIONS[alertType],
        alertId: alert.alertId,
      });

      expect(updates).toHaveLength(1);
      const [update] = updates;
      expect(update?.TableName).toBe(substitutions.AlertsTableName);
      expect(update?.Key).toEqual({ alertId: { S: alert.alertId } });
      expect(update?.ConditionExpression).toBe('attribute_exists(alertId)');
      expect(update?.UpdateExpression).toBe('SET #remediation = :remediation');
      expect(remediationOf(update?.ExpressionAttributeValues)).toEqual({
        status: 'SUCCEEDED',
        plan: output.plan,
        completedAt: COMPLETED_AT,
      });

      expect(published).toHaveLength(1);
      const [message] = published;
      expect(message?.TopicArn).toBe(substitutions.AlertsTopicArn);
      expect(attributesOf(message?.MessageAttributes)).toEqual({
        alertType,
        severity: alert.severity,
        stationId: alert.stationId,
        event: 'REMEDIATION_SUCCEEDED',
        dedupKey: `${alert.alertId}|REMEDIATION_SUCCEEDED`,
      });
      expect(JSON.parse(message?.Message ?? '')).toMatchObject({ alertId: alert.alertId, plan: output.plan });
      expect(message?.Subject).toBe(`Remediation planned for alert ${alert.alertId}`);

      expect(events).toHaveLength(1);
      const [event] = events;
      expect(event).toMatchObject({
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
        account: '123456789012',
        region: 'eu-west-1',
        resources: [execution.executionArn],
      });
      expect(event?.detail).toMatchObject({
        executionArn: `arn:aws:states:eu-west-1:123456789012:execution:ai-ops-remediation-test:${alert.alertId}-1`,
        stateMachineArn: STATE_MACHINE_ARN,
        name: `${alert.alertId}-1`,
        status: 'SUCCEEDED',
        startDate: NOW,
        stopDate: NOW,
        error: null,
        cause: null,
      });
      expect(JSON.parse(event?.detail.input ?? '')).toEqual(alert);
      expect(JSON.parse(event?.detail.output ?? '')).toEqual(output);
    },
  );

  it('a malformed alert fails the plan task: Catch records FAILED, publishes the failure, execution FAILED', async () => {
    const { workflow, updates, published, events } = harness();
    const alert = { ...approvedAlert('LOW_INVENTORY'), severity: 'URGENT' };
    const result = await workflow.start('malformed', alert).done;

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ValidationError');
    const cause = JSON.parse(result.cause ?? '');
    expect(cause).toMatchObject({ errorType: 'ValidationError' });
    expect(cause.errorMessage).toContain('alert.severity');

    expect(updates).toHaveLength(1);
    expect(updates[0]?.TableName).toBe(substitutions.AlertsTableName);
    expect(remediationOf(updates[0]?.ExpressionAttributeValues)).toEqual({
      status: 'FAILED',
      error: 'ValidationError',
      cause: result.cause,
      completedAt: COMPLETED_AT,
    });
    expect(published).toHaveLength(1);
    expect(attributesOf(published[0]?.MessageAttributes)).toEqual({
      alertType: 'LOW_INVENTORY',
      severity: 'URGENT',
      stationId: alert.stationId,
      event: 'REMEDIATION_FAILED',
      dedupKey: `${alert.alertId}|REMEDIATION_FAILED`,
    });
    expect(JSON.parse(published[0]?.Message ?? '')).toMatchObject({
      event: 'REMEDIATION_FAILED',
      status: 'FAILED',
      alertId: alert.alertId,
      error: 'ValidationError',
    });
    expect(events.map((event) => event.detail)).toEqual([
      expect.objectContaining({
        status: 'FAILED',
        error: 'ValidationError',
        cause: result.cause,
        output: null,
      }),
    ]);
  });

  it('a FAULT_PATTERN alert without a fault id takes the failure path', async () => {
    const { workflow, updates } = harness();
    const alert = approvedAlert('FAULT_PATTERN', { metadata: { observed: {} } });
    const result = await workflow.start('no-fault-id', alert).done;
    expect(result).toMatchObject({ status: 'FAILED', error: 'ValidationError' });
    expect(result.cause).toContain('metadata.observed.faultPattern');
    expect(remediationOf(updates[0]?.ExpressionAttributeValues)).toMatchObject({ status: 'FAILED' });
  });

  it('an alert that is not APPROVED is not remediated', async () => {
    const { workflow } = harness();
    const result = await workflow.start('pending', approvedAlert('HIGH_DEMAND', { status: 'PENDING' })).done;
    expect(result).toMatchObject({ status: 'FAILED', error: 'ValidationError' });
    expect(result.cause).toContain('only approved alerts are remediated');
  });

  it('an unknown alert type goes to the failure path without invoking the Lambda', async () => {
    const invoked: unknown[] = [];
    const { workflow, updates, published } = harness({
      lambdaFunctions: {
        [substitutions.PlanRemediationFunctionArn]: async (payload) => {
          invoked.push(payload);
          return {};
        },
      },
    });
    const alert = { ...approvedAlert('LOW_INVENTORY'), alertType: 'BATTERY_THEFT' };
    const result = await workflow.start('unknown-type', alert).done;
    expect(result).toMatchObject({ status: 'FAILED', error: 'UnknownAlertType' });
    expect(invoked).toEqual([]);
    expect(remediationOf(updates[0]?.ExpressionAttributeValues)).toMatchObject({
      status: 'FAILED',
      error: 'UnknownAlertType',
    });
    expect(attributesOf(published[0]?.MessageAttributes)).toMatchObject({
      alertType: 'BATTERY_THEFT',
      event: 'REMEDIATION_FAILED',
    });
  });

  it.each([
    ['alertType', ['alertType']],
    ['every field the failure summary reads', ['alertId', 'stationId', 'alertType', 'severity']],
  ])(
    'an input missing %s still records and publishes its failure (every path is total)',
    async (_what, missing) => {
      const { workflow, updates, published } = harness();
      const alert: Record<string, unknown> = { ...approvedAlert('LOW_INVENTORY') };
      for (const field of missing) delete alert[field];
      const result = await workflow.start(`missing-${missing.length}`, alert).done;
      expect(result).toMatchObject({ status: 'FAILED', error: 'UnknownAlertType' });
      expect(remediationOf(updates[0]?.ExpressionAttributeValues)).toMatchObject({ status: 'FAILED' });
      expect(attributesOf(published[0]?.MessageAttributes)).toMatchObject({
        alertType: 'UNKNOWN',
        event: 'REMEDIATION_FAILED',
        ...(missing.includes('stationId') ? { stationId: 'unknown', severity: 'UNKNOWN' } : {}),
      });
    },
  );

  it('retries a throttled Lambda invoke and a throttled publish, then succeeds', async () => {
    const { handler } = await import('../../../handlers/plan-remediation');
    let invokes = 0;
    let publishes = 0;
    const { workflow } = harness({
      lambdaFunctions: {
        [substitutions.PlanRemediationFunctionArn]: async (payload) => {
          invokes++;
          if (invokes === 1) throw awsError('Lambda.TooManyRequestsException', 'Rate exceeded');
          return handler(payload as Parameters<typeof handler>[0], lambdaContext('planRemediation'));
        },
      },
      publish: async () => {
        publishes++;
        if (publishes === 1) throw awsError('ThrottledException');
        return { MessageId: 'after-retry' };
      },
    });
    const result = await workflow.start('retried', approvedAlert('CHARGER_DOWN')).done;
    expect(result.status).toBe('SUCCEEDED');
    expect([invokes, publishes]).toEqual([2, 2]);
    expect(result.output).toMatchObject({ notification: { messageId: 'after-retry' } });
  });

  it('a failed success record (non-retryable) turns into a recorded, published failure', async () => {
    const statuses: unknown[] = [];
    const { workflow, published } = harness({
      updateAlert: async (params) => {
        const status = remediationOf(params.ExpressionAttributeValues).status;
        statuses.push(status);
        if (status === 'SUCCEEDED')
          throw awsError('ConditionalCheckFailedException', 'The conditional request failed');
        return {};
      },
    });
    const result = await workflow.start('record-fails', approvedAlert('LOW_INVENTORY')).done;
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'DynamoDB.ConditionalCheckFailedException',
      cause: 'The conditional request failed',
    });
    expect(statuses).toEqual(['SUCCEEDED', 'FAILED']);
    expect(attributesOf(published[0]?.MessageAttributes).event).toBe('REMEDIATION_FAILED');
  });

  it('still publishes and fails with the original error when recording the failure fails too', async () => {
    const { workflow, published } = harness({
      updateAlert: async () => {
        throw awsError('InternalServerError');
      },
    });
    const result = await workflow.start('table-down', { ...approvedAlert('HIGH_DEMAND'), severity: 'SEVERE' })
      .done;
    expect(result).toMatchObject({ status: 'FAILED', error: 'ValidationError' });
    expect(published).toHaveLength(1);
  });

  it('starts once per name: the same input returns the execution, another input is refused', async () => {
    let invokes = 0;
    const { handler } = await import('../../../handlers/plan-remediation');
    const { workflow, published, events } = harness({
      lambdaFunctions: {
        [substitutions.PlanRemediationFunctionArn]: async (payload) => {
          invokes++;
          return handler(payload as Parameters<typeof handler>[0], lambdaContext('planRemediation'));
        },
      },
    });
    const alert = approvedAlert('HIGH_DEMAND');
    const first = workflow.start('once', alert);
    // Same content, other key order: the dispatcher may rebuild the alert from another stream image.
    const reordered = Object.fromEntries(Object.entries(alert).reverse());
    const second = workflow.start('once', reordered);
    expect(first.alreadyStarted).toBe(false);
    expect(second).toMatchObject({ alreadyStarted: true, executionArn: first.executionArn });
    await Promise.all([first.done, second.done]);
    const third = workflow.start('once', alert);
    expect(third.alreadyStarted).toBe(true);
    expect(await third.done).toMatchObject({ status: 'SUCCEEDED' });
    expect(() => workflow.start('once', { ...alert, severity: 'LOW' })).toThrow(ExecutionAlreadyExistsError);
    expect([invokes, published.length, events.length]).toEqual([1, 1, 1]);
    expect(workflow.describe(first.executionArn)).toMatchObject({ status: 'SUCCEEDED', name: 'once' });
  });

  it('stop ends a running execution ABORTED and reports it', async () => {
    let release: () => void = () => {};
    const { workflow, updates, events } = harness({
      lambdaFunctions: {
        [substitutions.PlanRemediationFunctionArn]: () =>
          new Promise((resolve) => {
            release = () => resolve({});
          }),
      },
    });
    const execution = workflow.start('stopped', approvedAlert('LOW_INVENTORY'));
    expect(workflow.describe(execution.executionArn)?.status).toBe('RUNNING');
    workflow.stop(execution.executionArn);
    expect(await execution.done).toMatchObject({ status: 'ABORTED' });
    release();
    expect(updates).toEqual([]);
    expect(events.map((event) => event.detail.status)).toEqual(['ABORTED']);
  });

  it('refuses an execution name StartExecution would refuse', () => {
    const { workflow } = harness();
    expect(() => workflow.start('has spaces', approvedAlert('LOW_INVENTORY'))).toThrow(/Invalid Name/);
  });

  it('a failing status-change consumer does not change the execution result', async () => {
    const reported: unknown[] = [];
    const { workflow } = harness({
      onStatusChange: () => {
        throw new Error('outcome handler down');
      },
      onStatusChangeError: (error) => reported.push(error),
    });
    const result = await workflow.start('consumer-fails', approvedAlert('FAULT_PATTERN')).done;
    expect(result.status).toBe('SUCCEEDED');
    expect(reported).toEqual([new Error('outcome handler down')]);
  });

  it('refuses a definition with a placeholder it was not given', () => {
    expect(() =>
      harness({ substitutions: { AlertsTableName: 't', AlertsTopicArn: 'arn:aws:sns:eu-west-1:1:t' } }),
    ).toThrow(/missing DefinitionSubstitutions: PlanRemediationFunctionArn/);
  });
});
