import middy from '@middy/core';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store';
import { dynamoDbDocumentClient } from '../src/adapters/dynamodb/client';
import { config, required } from '../src/config';
import { parseApprovalDeadlines } from '../src/domain/lifecycle';
import { systemClock } from '../src/domain/ports';
import { logger, observe, tracer } from '../src/observability';
import { sweepDeadlines } from '../src/use-cases/sweep-alerts';

const { region, endpoints, tables, approvalDeadlinesJson } = config();
// A bad override fails the cold start, naming the key, rather than escalating on the wrong deadlines.
const deadlines = parseApprovalDeadlines(approvalDeadlinesJson);
const deps = {
  alerts: new DynamoAlertStore({
    doc: tracer.captureAWSv3Client(dynamoDbDocumentClient({ region, endpoint: endpoints.dynamodb })),
    tableName: required(tables.alerts, 'ALERTS_TABLE'),
    deadlines,
  }),
  clock: systemClock,
  deadlines,
};

/** EventBridge schedule (every minute) -> undecided alerts past their deadline escalate, one level at a time. */
export const handler = middy(async (): Promise<void> => {
  const outcome = await sweepDeadlines(deps);
  for (const { alertId, stationId, level } of outcome.escalated)
    logger.info('alert escalated', { alertId, stationId, level });
  logger.info('deadlines swept', { overdue: outcome.overdue, escalated: outcome.escalated.length });
}).use(observe());
