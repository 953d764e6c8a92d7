import middy from '@middy/core';
import { awsClients } from '../src/adapters/aws-clients';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store';
import { DynamoLastSeenStore } from '../src/adapters/dynamodb/last-seen-store';
import { DynamoMetricStore } from '../src/adapters/dynamodb/metric-store';
import { DynamoSilenceStore } from '../src/adapters/dynamodb/silence-store';
import { settingsFor } from '../src/config';
import { parseApprovalDeadlines } from '../src/domain/lifecycle';
import { systemClock } from '../src/domain/ports';
import { deadlinesSwept, observe, offlineSwept } from '../src/observability';
import { SilenceCheck } from '../src/use-cases/silence-check';
import { sweepAlerts } from '../src/use-cases/sweep-alerts';

const settings = settingsFor('sweepAlerts');
const { doc } = awsClients(settings);
// A bad override fails the cold start, naming the key, rather than escalating on the wrong deadlines.
const deadlines = parseApprovalDeadlines(settings.APPROVAL_DEADLINES);
const alerts = new DynamoAlertStore({ doc, tableName: settings.ALERTS_TABLE, deadlines });
const silences = new DynamoSilenceStore({ doc, tableName: settings.ALERTS_TABLE });
const deps = {
  alerts,
  clock: systemClock,
  deadlines,
  lastSeen: new DynamoLastSeenStore({ doc, tableName: settings.LAST_SEEN_TABLE }),
  metrics: new DynamoMetricStore({ doc, tableName: settings.METRICS_TABLE }),
  offlineAfterMs: settings.OFFLINE_AFTER_MS,
  silences: new SilenceCheck(silences, systemClock, settings.SILENCE_CACHE_MS),
};

/** EventBridge schedule (every minute): overdue alerts escalate; silent stations raise STATION_OFFLINE. */
export const handler = middy(async (): Promise<void> => {
  await sweepAlerts(deps, { deadlines: deadlinesSwept, offline: offlineSwept });
}).use(observe());
