import middy from '@middy/core';
import { awsClients } from '../src/adapters/aws-clients';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store';
import { DynamoAuditStore } from '../src/adapters/dynamodb/audit-store';
import { DynamoRuleStatsStore } from '../src/adapters/dynamodb/rule-stats-store';
import { idempotentOnce, PUBLISH_CLAIM_EXPIRES_AFTER_MS } from '../src/adapters/idempotency/once';
import { SfnRemediationWorkflow } from '../src/adapters/sfn/remediation-workflow';
import { SnsAlertNotifier } from '../src/adapters/sns/alert-notifier';
import { SnsEscalationNotifier } from '../src/adapters/sns/escalation-notifier';
import { settingsFor } from '../src/config';
import { systemClock } from '../src/domain/ports';
import { dispatchHooks, observe } from '../src/observability';
import { createDispatchHandler } from '../src/streams/dispatch-batch';

const settings = settingsFor('dispatchAlertChange');
// Convergence under faults (docs/architecture.md): 10 attempts, no shared retry quota, 10 s claims.
const clients = awsClients(settings, { dynamoDbMaxAttempts: 10, retryQuotaPerRequest: true });
const idempotency = idempotentOnce({
  tableName: settings.IDEMPOTENCY_TABLE,
  client: clients.dynamoDb,
  claimExpiresAfterMs: PUBLISH_CLAIM_EXPIRES_AFTER_MS,
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
    ruleStats: new DynamoRuleStatsStore({ doc: clients.doc, tableName: settings.AUDIT_TABLE }),
    registerLambdaContext: idempotency.registerLambdaContext,
  },
  dispatchHooks,
);

/** Alerts stream -> audit trail, remediation workflow and notifications, with partial batch failures. */
export const handler = middy(dispatch).use(observe());
