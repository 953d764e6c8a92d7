import middy from '@middy/core';
import { DynamoAuditStore } from '../src/adapters/dynamodb/audit-store';
import { dynamoDbDocumentClient } from '../src/adapters/dynamodb/client';
import { config, required } from '../src/config';
import { systemClock } from '../src/domain/ports';
import { countWorkflow, logger, observe, tracer } from '../src/observability';
import { recordWorkflowOutcome } from '../src/use-cases/record-workflow-outcome';

const { region, endpoints, tables } = config();
const deps = {
  audit: new DynamoAuditStore({
    doc: tracer.captureAWSv3Client(dynamoDbDocumentClient({ region, endpoint: endpoints.dynamodb })),
    tableName: required(tables.audit, 'AUDIT_TABLE'),
  }),
  clock: systemClock,
};

/**
 * EventBridge "Step Functions Execution Status Change" of the remediation state machine -> audit trail.
 * A malformed event throws: EventBridge's async invocation retries it and then dead-letters it.
 */
export const handler = middy(async (event: unknown): Promise<void> => {
  const outcome = await recordWorkflowOutcome(event, deps);
  if (outcome.recorded) countWorkflow(outcome.status === 'SUCCEEDED' ? 'Succeeded' : 'Failed');
  logger.info('workflow outcome recorded', { ...outcome });
}).use(observe());
