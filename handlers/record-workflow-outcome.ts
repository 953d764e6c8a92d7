import middy from '@middy/core';
import { awsClients } from '../src/adapters/aws-clients';
import { DynamoAuditStore } from '../src/adapters/dynamodb/audit-store';
import { settingsFor } from '../src/config';
import { systemClock } from '../src/domain/ports';
import { observe, workflowOutcomeRecorded } from '../src/observability';
import { recordWorkflowOutcome } from '../src/use-cases/record-workflow-outcome';

const settings = settingsFor('recordWorkflowOutcome');
const deps = {
  audit: new DynamoAuditStore({ doc: awsClients(settings).doc, tableName: settings.AUDIT_TABLE }),
  clock: systemClock,
};

/**
 * EventBridge "Step Functions Execution Status Change" of the remediation state machine -> audit trail.
 * A malformed event throws: EventBridge's async invocation retries it and then dead-letters it.
 */
export const handler = middy(async (event: unknown): Promise<void> => {
  workflowOutcomeRecorded(await recordWorkflowOutcome(event, deps));
}).use(observe());
