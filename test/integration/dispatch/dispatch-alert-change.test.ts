import { ScanCommand as RawScanCommand } from '@aws-sdk/client-dynamodb';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAlertStore } from '../../../src/adapters/dynamodb/alert-store';
import { DynamoAuditStore } from '../../../src/adapters/dynamodb/audit-store';
import { resetConfig } from '../../../src/config';
import { alertIdFor, auditTaskIdFor } from '../../../src/domain/ids';
import type { AlertCandidate } from '../../../src/domain/ports';
import type { AuditEvent } from '../../../src/domain/types';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../src/local/dynamodb-local';
import { alertChanged, streamEvent } from '../../support/stream-records';
import { createTestTables, type TestTables } from '../../support/tables';

/**
 * The deployed handler (handlers/dispatch-alert-change.ts, env-configured, middy + observe) replayed
 * with alert-stream records built from what the real stores wrote to DynamoDB Local. Step Functions and
 * SNS are stubbed; the audit, alerts and idempotency tables are real.
 */

const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:ai-ops-remediation-test';
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:ai-ops-alerts-test';
const T0 = 1_700_000_000_000;

type Handler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'ai-ops-test-dispatchAlertChange',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:ai-ops-test-dispatchAlertChange',
  memoryLimitInMB: '512',
  awsRequestId: 'request-1',
  logGroupName: '/aws/lambda/ai-ops-test-dispatchAlertChange',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);

/** Step Functions as it behaves for a finished execution: the name is taken after the first start. */
const startInputs: string[] = [];
const stubStepFunctions = () => {
  sfn.on(StartExecutionCommand).callsFake(async (input: { name?: string; input?: string }) => {
    startInputs.push(input.input ?? '');
    if (startInputs.length > 1) {
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: ${input.name}`, $metadata: {} });
    }
    return { executionArn: executionArnOf(input.name ?? ''), startDate: new Date(T0) };
  });
};
const executionArnOf = (name: string) =>
  `arn:aws:states:eu-west-1:123456789012:execution:ai-ops-remediation-test:${name}`;

/** SNS that fails its first publish; counts the ones it accepted. */
let published = 0;
const stubSnsFailingOnce = () => {
  let attempts = 0;
  sns.on(PublishCommand).callsFake(async () => {
    attempts += 1;
    if (attempts === 1) throw new Error('SNS is having a bad day');
    published += 1;
    return { MessageId: `message-${published}` };
  });
};

let t: TestTables;
let handler: Handler;
let alerts: DynamoAlertStore;
let audit: DynamoAuditStore;

const candidate = (stationId: string, alertType: AlertCandidate['alertType']): AlertCandidate => ({
  stationId,
  alertType,
  severity: 'HIGH',
  title: `${alertType} at ${stationId}`,
  description: 'from the integration test',
  recommendedAction: 'Send someone',
  triggeredAt: T0,
  metadata: { chargedBatteries: 1, window: { to: T0, from: T0 - 300_000 } },
});

const approvedId = alertIdFor('ST-A', 'LOW_INVENTORY', T0);
const rejectedId = alertIdFor('ST-B', 'CHARGER_DOWN', T0);

const rawItem = async (alertId: string): Promise<Record<string, unknown>> => {
  const { Item } = await t.doc.send(
    new GetCommand({ TableName: t.names.alerts, Key: { alertId }, ConsistentRead: true }),
  );
  if (!Item) throw new Error(`no item ${alertId}`);
  return Item;
};

const summary = (rows: AuditEvent[]) => rows.map((r) => `${r.actionType}:${r.status}`);

/** Every row of the audit table, by taskId. */
const auditRows = async (): Promise<string[]> => {
  const [a, b] = await Promise.all([audit.trail(approvedId), audit.trail(rejectedId)]);
  return [...a, ...b].map((r) => r.taskId).sort();
};

let stream: DynamoDBRecord[];
const fromSequence = (sequenceNumber: string) =>
  stream.filter((r) => BigInt(r.dynamodb?.SequenceNumber ?? '0') >= BigInt(sequenceNumber));

beforeAll(async () => {
  t = await createTestTables();
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    // DynamoDB Local keeps one database per access key and region: the handler must use the harness's.
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    DYNAMODB_ENDPOINT: t.endpoint,
    ALERTS_TABLE: t.names.alerts,
    AUDIT_TABLE: t.names.audit,
    IDEMPOTENCY_TABLE: t.names.idempotency,
    STATE_MACHINE_ARN,
    ALERTS_TOPIC_ARN: TOPIC_ARN,
    ESCALATION_TOPIC_ARN: `${TOPIC_ARN}-escalations`,
  });
  resetConfig();
  ({ handler } = await import('../../../handlers/dispatch-alert-change'));
  alerts = new DynamoAlertStore({ doc: t.doc, tableName: t.names.alerts });
  audit = new DynamoAuditStore({ doc: t.doc, tableName: t.names.audit });

  // The table's history, written by the real store; the stream records carry its item images.
  await alerts.raise(candidate('ST-A', 'LOW_INVENTORY'), approvedId, T0 + 1);
  await alerts.raise(candidate('ST-B', 'CHARGER_DOWN'), rejectedId, T0 + 2);
  const [guardA, a0, b0] = await Promise.all([
    rawItem('OPEN#ST-A#LOW_INVENTORY'),
    rawItem(approvedId),
    rawItem(rejectedId),
  ]);
  await alerts.decide(approvedId, { kind: 'approve', by: 'operator-7', at: T0 + 10 });
  await alerts.decide(rejectedId, { kind: 'reject', by: 'operator-9', at: T0 + 11, reason: 'known outage' });
  const [a1, b1] = await Promise.all([rawItem(approvedId), rawItem(rejectedId)]);

  stream = [
    alertChanged('INSERT', '100', { newImage: guardA }),
    alertChanged('INSERT', '101', { newImage: a0 }),
    alertChanged('INSERT', '102', { newImage: b0 }),
    alertChanged('MODIFY', '103', { oldImage: a0, newImage: { ...a0, occurrences: 2, lastSeenAt: T0 + 5 } }),
    alertChanged('MODIFY', '104', { oldImage: { ...a0, occurrences: 2 }, newImage: a1 }),
    alertChanged('REMOVE', '105', { oldImage: guardA }),
    alertChanged('MODIFY', '106', { oldImage: b0, newImage: b1 }),
    alertChanged('MODIFY', '107', {
      oldImage: a1,
      newImage: { ...a1, stepFunctionExecutionArn: executionArnOf(`alert-${approvedId}`) },
    }),
  ];
  stubStepFunctions();
  stubSnsFailingOnce();
});

afterAll(() => {
  sfn.restore();
  sns.restore();
});

describe('dispatchAlertChange handler on DynamoDB Local', () => {
  it('audits every transition; a failed publish leaves a FAILED row and reports its record', async () => {
    const response = await handler(streamEvent(stream), context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '104' }] });
    expect(summary(await audit.trail(approvedId))).toEqual([
      'ALERT_CREATED:SUCCESS',
      'ALERT_APPROVED:SUCCESS',
      'STEP_FUNCTION_STARTED:SUCCESS',
      'SNS_NOTIFICATION_SENT:FAILED',
    ]);
    const failed = (await audit.trail(approvedId)).find((r) => r.status === 'FAILED');
    expect(failed).toMatchObject({
      errorMessage: 'SNS is having a bad day',
      details: { sequenceNumber: '104' },
    });
    expect(await audit.trail(rejectedId)).toEqual([
      expect.objectContaining({ actionType: 'ALERT_CREATED', userId: 'system', status: 'SUCCESS' }),
      expect.objectContaining({
        taskId: auditTaskIdFor(rejectedId, 'ALERT_REJECTED'),
        actionType: 'ALERT_REJECTED',
        userId: 'operator-9',
        // Rejected without a code (as a client from before codes would): recorded as OTHER.
        details: { rejectionReason: 'known outage', rejectedBy: 'operator-9', rejectionCode: 'OTHER' },
        status: 'SUCCESS',
      }),
    ]);

    // The workflow started once, for the approved alert, and its ARN is on the alert.
    expect(startInputs).toHaveLength(1);
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start).toMatchObject({ stateMachineArn: STATE_MACHINE_ARN, name: `alert-${approvedId}` });
    expect(JSON.parse(start?.input ?? '')).toMatchObject({
      alertId: approvedId,
      status: 'APPROVED',
      approvedBy: 'operator-7',
    });
    expect((await alerts.get(approvedId))?.stepFunctionExecutionArn).toBe(
      executionArnOf(`alert-${approvedId}`),
    );
    expect(published).toBe(0);
  });

  it('finishes the failed record when Lambda redelivers from it, publishing exactly once', async () => {
    const response = await handler(streamEvent(fromSequence('104')), context);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(summary(await audit.trail(approvedId))).toEqual([
      'ALERT_CREATED:SUCCESS',
      'ALERT_APPROVED:SUCCESS',
      'STEP_FUNCTION_STARTED:SUCCESS',
      'SNS_NOTIFICATION_SENT:FAILED',
      'SNS_NOTIFICATION_SENT:SUCCESS',
    ]);
    expect((await audit.trail(approvedId)).at(-1)).toMatchObject({
      taskId: auditTaskIdFor(approvedId, 'SNS_NOTIFICATION_SENT'),
      details: { messageId: 'message-1', topicArn: TOPIC_ARN },
    });
    expect(published).toBe(1);
    const publish = sns.commandCalls(PublishCommand).at(-1)?.args[0].input;
    expect(publish).toMatchObject({
      TopicArn: TOPIC_ARN,
      MessageAttributes: {
        alertType: { DataType: 'String', StringValue: 'LOW_INVENTORY' },
        severity: { DataType: 'String', StringValue: 'HIGH' },
        stationId: { DataType: 'String', StringValue: 'ST-A' },
      },
    });
    // The retry found the execution already there and recorded nothing new for it.
    expect(startInputs).toHaveLength(2);
  });

  it('adds no audit row and no publish when the whole stream is replayed twice', async () => {
    const before = await auditRows();
    for (let i = 0; i < 2; i++) {
      expect(await handler(streamEvent(stream), context)).toEqual({ batchItemFailures: [] });
    }

    expect(await auditRows()).toEqual(before);
    expect(before).toHaveLength(7);
    expect(published).toBe(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2); // the failed attempt and the one success
    // Every start asked for the same execution with the same input (what makes StartExecution idempotent).
    expect(new Set(startInputs).size).toBe(1);

    const idempotency = await t.client.send(new RawScanCommand({ TableName: t.names.idempotency }));
    expect(idempotency.Items).toHaveLength(1);
    expect(idempotency.Items?.[0]?.status?.S).toBe('COMPLETED');
  });
});
