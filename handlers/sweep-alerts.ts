import middy from '@middy/core';
import { awsClients } from '../src/adapters/aws-clients';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store';
import { settingsFor } from '../src/config';
import { parseApprovalDeadlines } from '../src/domain/lifecycle';
import { systemClock } from '../src/domain/ports';
import { deadlinesSwept, observe } from '../src/observability';
import { sweepDeadlines } from '../src/use-cases/sweep-alerts';

const settings = settingsFor('sweepAlerts');
const { doc } = awsClients(settings);
// A bad override fails the cold start, naming the key, rather than escalating on the wrong deadlines.
const deadlines = parseApprovalDeadlines(settings.APPROVAL_DEADLINES);
const deps = {
  alerts: new DynamoAlertStore({ doc, tableName: settings.ALERTS_TABLE, deadlines }),
  clock: systemClock,
  deadlines,
};

/** EventBridge schedule (every minute) -> undecided alerts past their deadline escalate, one level at a time. */
export const handler = middy(async (): Promise<void> => {
  deadlinesSwept(await sweepDeadlines(deps));
}).use(observe());
