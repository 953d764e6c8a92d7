import middy from '@middy/core';
import { awsClients } from '../src/adapters/aws-clients';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store';
import { DynamoAuditStore } from '../src/adapters/dynamodb/audit-store';
import { dynamoDbClient } from '../src/adapters/dynamodb/client';
import { idempotentOnce } from '../src/adapters/idempotency/once';
import { SfnRemediationWorkflow } from '../src/adapters/sfn/remediation-workflow';
import { SnsAlertNotifier } from '../src/adapters/sns/alert-notifier';
import { SnsEscalationNotifier } from '../src/adapters/sns/escalation-notifier';
import { settingsFor } from '../src/config';
import { systemClock } from '../src/domain/ports';
import { dispatchHooks, observe, tracer } from '../src/observability';
import { createDispatchHandler } from '../src/streams/dispatch-batch';

const settings = settingsFor('dispatchAlertChange');
const clients = awsClients(settings);
// A success the idempotency table failed to record costs a second notification, so its requests get more
// attempts (with the SDK's backoff) than the default 3: at 20% of requests failing, 0.2^10 instead of 0.8%.
const IDEMPOTENCY_MAX_ATTEMPTS = 10;
const idempotency = idempotentOnce({
  tableName: settings.IDEMPOTENCY_TABLE,
  client: tracer.captureAWSv3Client(
    dynamoDbClient({
      region: settings.AWS_REGION,
      ...(settings.DYNAMODB_ENDPOINT ? { endpoint: settings.DYNAMODB_ENDPOINT } : {}),
      maxAttempts: IDEMPOTENCY_MAX_ATTEMPTS,
    }),
  ),
});

const dispatch = createDispatchHandler(
  {
    alerts: new DynamoAlertStore({ doc: clients.doc, tableName: settings.ALERTS_TABLE }),
    audit: new DynamoAuditStore({ doc: clients.doc, tableName: settings.AUDIT_TABLE }),
    workflow: new SfnRemediationWorkflow(clients.sfn, settings.STATE_MACHINE_ARN),
    notifier: new SnsAlertNotifier(clients.sns, settings.ALERTS_TOPIC_ARN),
    escalations: new SnsEscalationNotifier(clients.sns, settings.ESCALATION_TOPIC_ARN),
    clock: systemClock,
    once: idempotency.once,
    registerLambdaContext: idempotency.registerLambdaContext,
  },
  dispatchHooks,
);

/** Alerts stream -> audit trail, remediation workflow and notifications, with partial batch failures. */
export const handler = middy(dispatch).use(observe());
