import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store';
import { DynamoAuditStore } from '../src/adapters/dynamodb/audit-store';
import { dynamoDbDocumentClient } from '../src/adapters/dynamodb/client';
import { idempotentOnce } from '../src/adapters/idempotency/once';
import { SfnRemediationWorkflow, sfnClient } from '../src/adapters/sfn/remediation-workflow';
import { SnsAlertNotifier, snsClient } from '../src/adapters/sns/alert-notifier';
import { SnsEscalationNotifier } from '../src/adapters/sns/escalation-notifier';
import { config, required } from '../src/config';
import { systemClock } from '../src/domain/ports';
import {
  countNotificationsSent,
  countRecords,
  countWorkflow,
  logger,
  observe,
  tracer,
} from '../src/observability';
import { createDispatchHandler } from '../src/streams/dispatch-batch';

const { region, endpoints, tables, stateMachineArn, alertsTopicArn, escalationTopicArn } = config();
const sns = tracer.captureAWSv3Client(snsClient({ region, endpoint: endpoints.sns }));
const doc = tracer.captureAWSv3Client(dynamoDbDocumentClient({ region, endpoint: endpoints.dynamodb }));
// Powertools writes marshalled items itself, so it gets a plain client rather than the document client.
const idempotency = idempotentOnce({
  tableName: required(tables.idempotency, 'IDEMPOTENCY_TABLE'),
  client: tracer.captureAWSv3Client(
    new DynamoDBClient({ region, ...(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}) }),
  ),
});

const dispatch = createDispatchHandler(
  {
    alerts: new DynamoAlertStore({ doc, tableName: required(tables.alerts, 'ALERTS_TABLE') }),
    audit: new DynamoAuditStore({ doc, tableName: required(tables.audit, 'AUDIT_TABLE') }),
    workflow: new SfnRemediationWorkflow(
      tracer.captureAWSv3Client(sfnClient({ region, endpoint: endpoints.sfn })),
      required(stateMachineArn, 'STATE_MACHINE_ARN'),
    ),
    notifier: new SnsAlertNotifier(sns, required(alertsTopicArn, 'ALERTS_TOPIC_ARN')),
    escalations: new SnsEscalationNotifier(sns, required(escalationTopicArn, 'ESCALATION_TOPIC_ARN')),
    clock: systemClock,
    once: idempotency.once,
    registerLambdaContext: idempotency.registerLambdaContext,
  },
  {
    onDispatched: (outcome, sequenceNumber) => {
      if (outcome.kind === 'skipped') return;
      // Counted when first recorded, so retries and replays do not count a workflow or a message twice.
      if (outcome.recorded.includes('STEP_FUNCTION_STARTED')) countWorkflow('Started');
      if (outcome.recorded.includes('SNS_NOTIFICATION_SENT')) countNotificationsSent();
      logger.info('alert change dispatched', {
        alertId: outcome.alertId,
        sequenceNumber,
        transition: outcome.transition,
        recorded: outcome.recorded,
      });
    },
    onRecordFailed: (sequenceNumber, alertId, error) =>
      logger.error('alert change failed', { alertId, sequenceNumber, error }),
    onCounts: ({ processed, skipped, failed }) => {
      countRecords('dispatchAlertChange', 'Processed', processed);
      countRecords('dispatchAlertChange', 'Skipped', skipped);
      countRecords('dispatchAlertChange', 'Failed', failed);
    },
  },
);

/** Alerts stream -> audit trail, remediation workflow and notification, with partial batch failures. */
export const handler = middy(dispatch).use(observe());
