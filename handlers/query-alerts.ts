import middy from '@middy/core';
import { awsClients } from '../src/adapters/aws-clients';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store';
import { DynamoAuditStore } from '../src/adapters/dynamodb/audit-store';
import { DynamoRuleStatsStore } from '../src/adapters/dynamodb/rule-stats-store';
import { DynamoSilenceStore } from '../src/adapters/dynamodb/silence-store';
import { settingsFor } from '../src/config';
import { systemClock } from '../src/domain/ports';
import { type HttpApiEvent, pathParameter } from '../src/http/request';
import { json } from '../src/http/response';
import { httpRoute } from '../src/http/route';
import { observe } from '../src/observability';
import { listSilences } from '../src/use-cases/manage-silences';
import { alertTrail, getAlert, listAlerts, ruleStats } from '../src/use-cases/query-alerts';

const settings = settingsFor('queryAlerts');
const { doc } = awsClients(settings);
const deps = {
  alerts: new DynamoAlertStore({ doc, tableName: settings.ALERTS_TABLE }),
  audit: new DynamoAuditStore({ doc, tableName: settings.AUDIT_TABLE }),
  silences: new DynamoSilenceStore({ doc, tableName: settings.ALERTS_TABLE }),
  ruleStats: new DynamoRuleStatsStore({ doc, tableName: settings.AUDIT_TABLE }),
  clock: systemClock,
};
const routes: Record<string, (event: HttpApiEvent) => Promise<unknown>> = {
  'GET /alerts': (event) => listAlerts(event.queryStringParameters ?? {}, deps),
  'GET /alerts/{alertId}': (event) => getAlert(pathParameter(event, 'alertId'), deps),
  'GET /alerts/{alertId}/audit': (event) => alertTrail(pathParameter(event, 'alertId'), deps),
  'GET /silences': () => listSilences(deps),
  'GET /rules/stats': (event) => ruleStats(event.queryStringParameters ?? {}, deps),
};
/** GET /alerts, /alerts/{alertId}, /alerts/{alertId}/audit, /silences and /rules/stats (scope alerts/read). */
export const handler = middy(
  httpRoute(async (event) => {
    const route = routes[event.routeKey];
    return route
      ? json(200, await route(event))
      : json(404, { error: 'NOT_FOUND', message: `no route ${event.routeKey}` });
  }),
).use(observe());
