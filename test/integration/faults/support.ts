import { join } from 'node:path';
import { DescribeTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { expect } from 'vitest';
import { DynamoAlertStore } from '../../../src/adapters/dynamodb/alert-store';
import { DynamoAuditStore } from '../../../src/adapters/dynamodb/audit-store';
import { dynamoDbClient, dynamoDbDocumentClient } from '../../../src/adapters/dynamodb/client';
import { idempotentOnce, PUBLISH_CLAIM_EXPIRES_AFTER_MS } from '../../../src/adapters/idempotency/once';
import { retriesWithoutSharedQuota } from '../../../src/adapters/retry-quota';
import { SfnRemediationWorkflow } from '../../../src/adapters/sfn/remediation-workflow';
import { SnsAlertNotifier } from '../../../src/adapters/sns/alert-notifier';
import { SnsEscalationNotifier } from '../../../src/adapters/sns/escalation-notifier';
import { alertIdFor, executionNameFor, notificationDedupKeyFor } from '../../../src/domain/ids';
import type { AlertCandidate } from '../../../src/domain/ports';
import { systemClock } from '../../../src/domain/ports';
import type { AuditEvent } from '../../../src/domain/types';
import { type LocalPublish, startLocalAwsEndpoints } from '../../../src/local/aws-endpoints/server';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localClientConfig } from '../../../src/local/dynamodb-local';
import { type FaultProxy, startFaultProxy } from '../../../src/local/fault-injection';
import { lambdaContext } from '../../../src/local/lambda-context';
import {
  createFileDeadLetter,
  createMemoryCheckpointStore,
  createStreamPoller,
  type DeadLetterEntry,
  type DeadLetterWriter,
  type StreamMappingSettings,
  type StreamPoller,
} from '../../../src/local/stream-poller';
import type { StreamInvoke } from '../../../src/local/stream-poller/types';
import { createDispatchHandler } from '../../../src/streams/dispatch-batch';
import { createTestTables, type TestTables } from '../../support/tables';

export const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:000000000000:stateMachine:ai-ops-remediation-test';
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:000000000000:ai-ops-alerts-test';

/** The dispatcher's event source mapping as serverless.yml declares it (retries, bisect, partial failures). */
export const DISPATCH_MAPPING: StreamMappingSettings = {
  batchSize: 25,
  batchWindowSeconds: 0,
  startingPosition: 'TRIM_HORIZON',
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 5,
  maximumRecordAgeInSeconds: 3600,
  reportBatchItemFailures: true,
  filterPatterns: [{ eventName: ['INSERT', 'MODIFY'] }],
  onFailureArn: 'DispatchAlertChangeDeadLetterQueue',
  tumblingWindowSeconds: 0,
};

/**
 * As the dispatcher's handler wires them (handlers/dispatch-alert-change.ts): SFN and SNS keep the SDK's
 * 3, and no client's requests share a retry quota.
 */
const DISPATCHER_DYNAMODB_MAX_ATTEMPTS = 10;
const SDK_MAX_ATTEMPTS = 3;
/**
 * The SDK's retries with its backoff shortened to 5 ms: the standard backoff (500 ms base for throttling)
 * would make this file wait ~30 s, and what is tested is what retries converge to, not how long they wait.
 */
const fastRetries = (maxAttempts: number) =>
  retriesWithoutSharedQuota(() => new ConfiguredRetryStrategy(maxAttempts, () => 5));

export interface FaultyWorld {
  tables: TestTables;
  /** Step Functions as AWS keeps it: starts that succeeded, by execution name. */
  executions: Map<string, number>;
  /** Messages the topic accepted, by their dedupKey attribute. */
  notifications: Map<string, number>;
  proxies: { dynamodb: FaultProxy; sfn: FaultProxy; sns: FaultProxy };
  /** Records the dispatcher reported failed, summed over its invocations. */
  reportedFailures(): number;
  deadLetters: DeadLetterEntry[];
  /** Where dead letters are also written as files, for `ai-ops dead-letters redrive`, when asked for. */
  deadLetterFile: DeadLetterWriter;
  /** Reads the alerts stream (for a redrive). */
  streams: DynamoDBStreamsClient;
  /** The dispatcher as the poller invokes it: failures it reports are counted. */
  invoke: StreamInvoke;
  poller: StreamPoller;
  alerts: DynamoAlertStore;
  audit: DynamoAuditStore;
  close(): Promise<void>;
}

/**
 * The dispatcher on DynamoDB Local as the stream delivers to it: the local poller with the mapping's
 * settings reads the alerts table's stream and invokes the dispatch handler built from the real adapters,
 * whose SDK clients go through fault proxies (DynamoDB, Step Functions, SNS) failing `rate` of requests.
 */
export const faultyWorld = async (
  rate: number,
  options: {
    publishFails?: (request: LocalPublish) => string | undefined;
    /** Also writes dead letters to `<dir>/dispatchAlertChange.jsonl`, as `ai-ops start --data` does. */
    deadLetterDir?: string;
  } = {},
): Promise<FaultyWorld> => {
  const tables = await createTestTables();
  const executions = new Map<string, number>();
  const notifications = new Map<string, number>();
  const aws = await startLocalAwsEndpoints({
    startExecution: async ({ stateMachineArn, name }) => {
      if (executions.has(name)) {
        throw Object.assign(new Error(`Execution Already Exists: ${name}`), {
          name: 'ExecutionAlreadyExists',
        });
      }
      executions.set(name, 1);
      return {
        executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
        startDate: Date.now(),
      };
    },
    publish: async (request) => {
      const failure = options.publishFails?.(request);
      if (failure) throw new Error(failure);
      const key = request.messageAttributes.dedupKey ?? 'none';
      notifications.set(key, (notifications.get(key) ?? 0) + 1);
      return { messageId: `m-${key}-${notifications.get(key)}` };
    },
  });
  const timeoutMs = 20;
  const proxies = {
    dynamodb: await startFaultProxy({ service: 'dynamodb', target: tables.endpoint, rate, timeoutMs }),
    sfn: await startFaultProxy({ service: 'sfn', target: aws.url, rate, timeoutMs }),
    sns: await startFaultProxy({ service: 'sns', target: aws.url, rate, timeoutMs }),
  };
  const region = LOCAL_REGION;
  const credentials = LOCAL_CREDENTIALS;
  const dbConfig = {
    region,
    credentials,
    endpoint: proxies.dynamodb.url,
    retryStrategy: fastRetries(DISPATCHER_DYNAMODB_MAX_ATTEMPTS),
  };
  const doc = dynamoDbDocumentClient(dbConfig);
  const retryStrategy = fastRetries(SDK_MAX_ATTEMPTS);
  const sfn = new SFNClient({ region, credentials, endpoint: proxies.sfn.url, retryStrategy });
  const sns = new SNSClient({ region, credentials, endpoint: proxies.sns.url, retryStrategy });
  const idempotency = idempotentOnce({
    tableName: tables.names.idempotency,
    client: dynamoDbClient(dbConfig),
    claimExpiresAfterMs: PUBLISH_CLAIM_EXPIRES_AFTER_MS,
  });
  const handler = createDispatchHandler({
    alerts: new DynamoAlertStore({ doc, tableName: tables.names.alerts }),
    audit: new DynamoAuditStore({ doc, tableName: tables.names.audit }),
    workflow: new SfnRemediationWorkflow(sfn, STATE_MACHINE_ARN),
    notifier: new SnsAlertNotifier(sns, TOPIC_ARN),
    escalations: new SnsEscalationNotifier(sns, `${TOPIC_ARN}-escalations`),
    clock: systemClock,
    once: idempotency.once,
    registerLambdaContext: idempotency.registerLambdaContext,
  });

  let reported = 0;
  const streams = new DynamoDBStreamsClient(localClientConfig(tables.endpoint));
  const described = await tables.client.send(new DescribeTableCommand({ TableName: tables.names.alerts }));
  const deadLetters: DeadLetterEntry[] = [];
  const deadLetterFile: DeadLetterWriter = options.deadLetterDir
    ? createFileDeadLetter(join(options.deadLetterDir, 'dispatchAlertChange.jsonl'))
    : async () => {};
  const invoke: StreamInvoke = async (event) => {
    // The function's timeout (60 s) as the deadline its context reports.
    const response = await handler(
      event as DynamoDBStreamEvent,
      lambdaContext('dispatchAlertChange', '1024', 60),
    );
    reported += response.batchItemFailures.length;
    return response;
  };
  const poller = createStreamPoller({
    streamsClient: streams,
    streamArn: described.Table?.LatestStreamArn ?? '',
    settings: DISPATCH_MAPPING,
    checkpointStore: createMemoryCheckpointStore(),
    deadLetter: async (entry) => {
      deadLetters.push(entry);
      await deadLetterFile(entry);
    },
    functionName: 'dispatchAlertChange',
    pollIntervalMs: 50,
    invoke,
  });
  await poller.start();
  return {
    tables,
    executions,
    notifications,
    proxies,
    reportedFailures: () => reported,
    deadLetters,
    deadLetterFile,
    streams,
    invoke,
    poller,
    alerts: new DynamoAlertStore({ doc: tables.doc, tableName: tables.names.alerts }),
    audit: new DynamoAuditStore({ doc: tables.doc, tableName: tables.names.audit }),
    close: async () => {
      await poller.stop();
      await Promise.all([...Object.values(proxies).map((p) => p.close()), aws.close()]);
      for (const client of [doc, sfn, sns, streams]) client.destroy();
    },
  };
};

const T0 = 1_700_000_000_000;

/** Raises `count` alerts at distinct stations and approves each, through the real store (unfaulted). */
/** The ids approveAlerts gives its alerts (deterministic), known before any of them is dispatched. */
export const approvalIds = (count: number): string[] =>
  Array.from({ length: count }, (_, i) =>
    alertIdFor(`ST-F${String(i).padStart(3, '0')}`, 'LOW_INVENTORY', T0 + i),
  );

export const approveAlerts = async (world: FaultyWorld, count: number): Promise<string[]> =>
  Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const candidate: AlertCandidate = {
        stationId: `ST-F${String(i).padStart(3, '0')}`,
        alertType: 'LOW_INVENTORY',
        severity: 'HIGH',
        title: 'Low inventory',
        description: 'from the faults test',
        recommendedAction: 'Send batteries',
        triggeredAt: T0 + i,
        metadata: { chargedBatteries: 1 },
      };
      const alertId = alertIdFor(candidate.stationId, candidate.alertType, candidate.triggeredAt);
      await world.alerts.raise(candidate, alertId, T0 + i);
      await world.alerts.decide(alertId, { kind: 'approve', by: 'operator-1', at: T0 + 1_000 + i });
      return alertId;
    }),
  );

/** Idempotency records still INPROGRESS (a failed attempt's record that nothing took over). */
export const inProgressRecords = async (world: FaultyWorld): Promise<Record<string, unknown>[]> => {
  const { Items = [] } = await world.tables.client.send(
    new ScanCommand({ TableName: world.tables.names.idempotency, ConsistentRead: true }),
  );
  return Items.map((item) => unmarshall(item)).filter((item) => item.status === 'INPROGRESS');
};

export const successRows = (trail: AuditEvent[], actionType: AuditEvent['actionType']) =>
  trail.filter((row) => row.actionType === actionType && row.status === 'SUCCESS');

/**
 * The end state both fault tests hold the dispatcher to: one SUCCESS row per step for every approval,
 * one execution and one notification each, no idempotency record left in progress.
 */
export const expectConverged = async (
  world: FaultyWorld,
  ids: readonly string[],
  trails: ReadonlyMap<string, AuditEvent[]>,
): Promise<void> => {
  for (const id of ids) {
    const trail = trails.get(id) ?? [];
    expect(successRows(trail, 'ALERT_APPROVED'), id).toHaveLength(1);
    expect(successRows(trail, 'STEP_FUNCTION_STARTED'), id).toHaveLength(1);
    expect(successRows(trail, 'SNS_NOTIFICATION_SENT'), id).toHaveLength(1);
  }
  expect([...world.executions.keys()].sort()).toEqual(ids.map(executionNameFor).sort());
  expect(Object.fromEntries(world.notifications)).toEqual(
    Object.fromEntries(ids.map((id) => [notificationDedupKeyFor(id, 'ALERT_APPROVED'), 1])),
  );
  expect(await inProgressRecords(world)).toEqual([]);
};
