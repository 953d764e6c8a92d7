import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { executionArnFor, SfnRemediationWorkflow } from '../../../src/adapters/sfn/remediation-workflow';
import { workflowInputFor } from '../../../src/adapters/sfn/workflow-input';
import { SnsAlertNotifier } from '../../../src/adapters/sns/alert-notifier';
import { approvedAlert } from './fakes';

const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:ai-ops-remediation-dev';
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:ai-ops-alerts-dev';
const alert = approvedAlert();
const executionArn = `arn:aws:states:eu-west-1:123456789012:execution:ai-ops-remediation-dev:alert-${alert.alertId}`;

const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);
afterEach(() => {
  sfn.reset();
  sns.reset();
});

describe('SfnRemediationWorkflow', () => {
  const workflow = () =>
    new SfnRemediationWorkflow(new SFNClient({ region: 'eu-west-1' }), STATE_MACHINE_ARN);

  it('starts the execution named after the alert with its stable fields as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn, startDate: new Date() });
    const stored = approvedAlert({
      stepFunctionExecutionArn: 'arn:earlier',
      remediation: { status: 'FAILED', error: 'x' },
      updatedAt: 1_800_000_000_000,
    });

    await expect(workflow().start(stored)).resolves.toEqual({ executionArn, alreadyStarted: false });

    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    const { updatedAt: _u, ...stable } = alert;
    expect(calls[0]?.args[0].input).toEqual({
      stateMachineArn: STATE_MACHINE_ARN,
      name: `alert-${alert.alertId}`,
      input: JSON.stringify({
        alertId: stable.alertId,
        alertType: stable.alertType,
        approvedAt: stable.approvedAt,
        approvedBy: stable.approvedBy,
        createdAt: stable.createdAt,
        description: stable.description,
        lastSeenAt: stable.lastSeenAt,
        metadata: { chargedBatteries: 2, threshold: 5 },
        occurrences: stable.occurrences,
        recommendedAction: stable.recommendedAction,
        severity: stable.severity,
        stationId: stable.stationId,
        status: 'APPROVED',
        title: stable.title,
      }),
    });
  });

  it('gives the same input for the same approved alert whatever the attribute order', () => {
    const reordered = Object.fromEntries(Object.entries(alert).reverse());
    const shuffled = { ...approvedAlert({ metadata: { threshold: 5, chargedBatteries: 2 } }), updatedAt: 1 };
    expect(workflowInputFor(reordered as typeof alert)).toBe(workflowInputFor(alert));
    expect(workflowInputFor(shuffled)).toBe(workflowInputFor(alert));
  });

  it('reports an existing execution of that name as already started, with its ARN', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    await expect(workflow().start(alert)).resolves.toEqual({ executionArn, alreadyStarted: true });
  });

  it('lets other errors through', async () => {
    sfn.on(StartExecutionCommand).rejects(new Error('ThrottlingException'));
    await expect(workflow().start(alert)).rejects.toThrow('ThrottlingException');
  });

  it('derives execution ARNs in any partition and refuses what is not a state machine ARN', () => {
    expect(executionArnFor('arn:aws-cn:states:cn-north-1:1:stateMachine:m', 'alert-1')).toBe(
      'arn:aws-cn:states:cn-north-1:1:execution:m:alert-1',
    );
    expect(() => executionArnFor('arn:aws:sns:eu-west-1:1:topic', 'x')).toThrow('not a state machine ARN');
  });
});

describe('SnsAlertNotifier', () => {
  const notifier = () => new SnsAlertNotifier(new SNSClient({ region: 'eu-west-1' }), TOPIC_ARN);

  it('publishes the alert summary with the filterable attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    await expect(notifier().publishApproved(alert)).resolves.toEqual({
      messageId: 'm-1',
      topicArn: TOPIC_ARN,
    });

    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TopicArn: TOPIC_ARN,
      Subject: '[HIGH] LOW_INVENTORY approved at ST-001',
      MessageAttributes: {
        event: { DataType: 'String', StringValue: 'ALERT_APPROVED' },
        alertType: { DataType: 'String', StringValue: 'LOW_INVENTORY' },
        severity: { DataType: 'String', StringValue: 'HIGH' },
        stationId: { DataType: 'String', StringValue: 'ST-001' },
      },
    });
    expect(Object.keys(input?.MessageAttributes ?? {}).sort()).toEqual([
      'alertType',
      'dedupKey',
      'event',
      'severity',
      'stationId',
    ]);
    // The same alert and event always carry the same key: a subscriber drops the rare SNS duplicate.
    expect(input?.MessageAttributes?.dedupKey).toEqual({
      DataType: 'String',
      StringValue: `${alert.alertId}|ALERT_APPROVED`,
    });
    expect(JSON.parse(input?.Message ?? '')).toEqual({
      event: 'ALERT_APPROVED',
      alertId: alert.alertId,
      stationId: 'ST-001',
      alertType: 'LOW_INVENTORY',
      severity: 'HIGH',
      title: alert.title,
      description: alert.description,
      recommendedAction: alert.recommendedAction,
      occurrences: 1,
      createdAt: alert.createdAt,
      approvedAt: alert.approvedAt,
      approvedBy: 'operator-7',
    });
  });

  it('keeps the subject within what SNS accepts', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    await notifier().publishApproved(approvedAlert({ stationId: `Station-${'é'.repeat(120)}` }));
    const subject = sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject ?? '';
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it('fails when SNS answers without a message id', async () => {
    sns.on(PublishCommand).resolves({});
    await expect(notifier().publishApproved(alert)).rejects.toThrow('without a MessageId');
  });
});
