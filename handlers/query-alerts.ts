import middy from '@middy/core';
import { awsClients } from '../src/adapters/aws-clients';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store';
import { DynamoAuditStore } from '../src/adapters/dynamodb/audit-store';
import { settingsFor } from '../src/config';
import { pathParameter } from '../src/http/request';
import { json } from '../src/http/response';
import { httpRoute } from '../src/http/route';
import { observe } from '../src/observability';
import { alertTrail, getAlert, listAlerts } from '../src/use-cases/query-alerts';

const settings = settingsFor('queryAlerts');
const { doc } = awsClients(settings);
const deps = {
  alerts: new DynamoAlertStore({ doc, tableName: settings.ALERTS_TABLE }),
  audit: new DynamoAuditStore({ doc, tableName: settings.AUDIT_TABLE }),
};

/** GET /alerts, GET /alerts/{alertId}, GET /alerts/{alertId}/audit (scope alerts/read). */
export const handler = middy(
  httpRoute(async (event) => {
    switch (event.routeKey) {
      case 'GET /alerts':
        return json(200, await listAlerts(event.queryStringParameters ?? {}, deps));
      case 'GET /alerts/{alertId}':
        return json(200, await getAlert(pathParameter(event, 'alertId'), deps));
      case 'GET /alerts/{alertId}/audit':
        return json(200, await alertTrail(pathParameter(event, 'alertId'), deps));
      default:
        return json(404, { error: 'NOT_FOUND', message: `no route ${event.routeKey}` });
    }
  }),
).use(observe());
