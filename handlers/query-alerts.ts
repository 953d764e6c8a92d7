import middy from '@middy/core';
import { awsClients } from '../src/adapters/aws-clients';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store';
import { DynamoAuditStore } from '../src/adapters/dynamodb/audit-store';
import { DynamoSilenceStore } from '../src/adapters/dynamodb/silence-store';
import { settingsFor } from '../src/config';
import { systemClock } from '../src/domain/ports';
import { pathParameter } from '../src/http/request';
import { json } from '../src/http/response';
import { httpRoute } from '../src/http/route';
import { observe } from '../src/observability';
import { listSilences } from '../src/use-cases/manage-silences';
import { alertTrail, getAlert, listAlerts } from '../src/use-cases/query-alerts';

const settings = settingsFor('queryAlerts');
const { doc } = awsClients(settings);
const deps = {
  alerts: new DynamoAlertStore({ doc, tableName: settings.ALERTS_TABLE }),
  audit: new DynamoAuditStore({ doc, tableName: settings.AUDIT_TABLE }),
  silences: new DynamoSilenceStore({ doc, tableName: settings.ALERTS_TABLE }),
  clock: systemClock,
};

/** GET /alerts, /alerts/{alertId}, /alerts/{alertId}/audit and /silences (scope alerts/read). */
export const handler = middy(
  httpRoute(async (event) => {
    switch (event.routeKey) {
      case 'GET /alerts':
        return json(200, await listAlerts(event.queryStringParameters ?? {}, deps));
      case 'GET /alerts/{alertId}':
        return json(200, await getAlert(pathParameter(event, 'alertId'), deps));
      case 'GET /alerts/{alertId}/audit':
        return json(200, await alertTrail(pathParameter(event, 'alertId'), deps));
      case 'GET /silences':
        return json(200, await listSilences(deps));
      default:
        return json(404, { error: 'NOT_FOUND', message: `no route ${event.routeKey}` });
    }
  }),
).use(observe());
