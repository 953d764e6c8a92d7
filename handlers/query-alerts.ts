import middy from '@middy/core';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store';
import { DynamoAuditStore } from '../src/adapters/dynamodb/audit-store';
import { dynamoDbDocumentClient } from '../src/adapters/dynamodb/client';
import { config, required } from '../src/config';
import { pathParameter } from '../src/http/request';
import { json } from '../src/http/response';
import { httpRoute } from '../src/http/route';
import { observe, tracer } from '../src/observability';
import { alertTrail, getAlert, listAlerts } from '../src/use-cases/query-alerts';

const { region, endpoints, tables } = config();
const doc = tracer.captureAWSv3Client(dynamoDbDocumentClient({ region, endpoint: endpoints.dynamodb }));
const deps = {
  alerts: new DynamoAlertStore({ doc, tableName: required(tables.alerts, 'ALERTS_TABLE') }),
  audit: new DynamoAuditStore({ doc, tableName: required(tables.audit, 'AUDIT_TABLE') }),
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
