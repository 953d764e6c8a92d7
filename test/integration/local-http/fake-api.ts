import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { LocalHttpApiEvent } from '../../../src/local/http-api/event';
import type { HttpRoute } from '../../../src/local/http-api/routes';
import { createLocalHttpApi, type LocalHttpApi, type RequestInfo } from '../../../src/local/http-api/server';
import { LocalTokenIssuer } from '../../../src/local/http-api/token-issuer';

const route = (functionName: string, routeKey: string, scope: string): HttpRoute => {
  const [method = '', path = ''] = routeKey.split(' ');
  return {
    functionName,
    handler: `handlers/${functionName}.handler`,
    method,
    path,
    routeKey,
    authorizer: {
      name: 'jwt',
      identityHeader: 'authorization',
      audience: ['ai-ops'],
      issuerUrl: 'https://issuer.example.invalid/',
    },
    scopes: [scope],
  };
};

/** The routes of serverless.yml, written out so these tests do not need `serverless print`. */
export const appRoutes: HttpRoute[] = [
  route('ingestMetrics', 'POST /metrics', 'metrics/write'),
  route('queryAlerts', 'GET /alerts', 'alerts/read'),
  route('queryAlerts', 'GET /alerts/{alertId}', 'alerts/read'),
  route('queryAlerts', 'GET /alerts/{alertId}/audit', 'alerts/read'),
  route('decideAlert', 'POST /alerts/{alertId}/approve', 'alerts/decide'),
  route('decideAlert', 'POST /alerts/{alertId}/reject', 'alerts/decide'),
];

export const pendingAlert = {
  alertId: 'alert-1',
  stationId: 'station-7',
  alertType: 'LOW_INVENTORY',
  severity: 'HIGH',
  status: 'PENDING',
  title: 'Low inventory at station-7',
  description: '2 charged batteries left',
  recommendedAction: 'Dispatch a battery van',
  createdAt: Date.UTC(2024, 4, 1, 10, 0, 0),
  updatedAt: Date.UTC(2024, 4, 1, 10, 5, 0),
  lastSeenAt: Date.UTC(2024, 4, 1, 10, 5, 0),
  occurrences: 3,
  metadata: { chargedBatteries: 2 },
};

export const otherAlert = {
  ...pendingAlert,
  alertId: 'alert-2',
  stationId: 'station-9',
  alertType: 'CHARGER_DOWN',
  severity: 'CRITICAL',
  createdAt: Date.UTC(2024, 4, 1, 9, 0, 0),
  occurrences: 1,
};

/** Out of order on purpose: the CLI must print the timeline oldest first. */
export const auditTrail = [
  {
    taskId: 't2',
    alertId: 'alert-1',
    actionType: 'ALERT_APPROVED',
    timestamp: Date.UTC(2024, 4, 1, 11, 0, 0),
    userId: 'alice',
    details: { previousStatus: 'PENDING' },
    status: 'SUCCESS',
  },
  {
    taskId: 't1',
    alertId: 'alert-1',
    actionType: 'ALERT_CREATED',
    timestamp: Date.UTC(2024, 4, 1, 10, 0, 0),
    userId: 'system',
    details: { severity: 'HIGH' },
    status: 'SUCCESS',
  },
  {
    taskId: 't3',
    alertId: 'alert-1',
    actionType: 'STEP_FUNCTION_FAILED',
    timestamp: Date.UTC(2024, 4, 1, 11, 1, 0),
    userId: 'system',
    details: {},
    status: 'FAILED',
    errorMessage: 'States.Timeout',
  },
];

const json = (statusCode: number, body: unknown) => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const subOf = (event: LocalHttpApiEvent): string => {
  const context = event.requestContext as APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'];
  return String(context.authorizer?.jwt.claims.sub);
};

/** Canned answers in the handlers' shapes, so the CLI and the API are tested without DynamoDB. */
export const fakeInvoke = async (route: HttpRoute, event: LocalHttpApiEvent): Promise<unknown> => {
  const alertId = event.pathParameters?.alertId;
  switch (route.routeKey) {
    case 'GET /alerts': {
      const status = event.queryStringParameters?.status;
      const items = [pendingAlert, otherAlert].filter((a) => !status || a.status === status);
      return json(200, { items, nextCursor: event.queryStringParameters?.limit === '1' ? 'cursor-2' : null });
    }
    case 'GET /alerts/{alertId}':
      return alertId === 'alert-1'
        ? json(200, pendingAlert)
        : json(404, { error: 'ALERT_NOT_FOUND', message: `alert ${alertId} does not exist` });
    case 'GET /alerts/{alertId}/audit':
      return json(200, { items: auditTrail });
    case 'POST /alerts/{alertId}/approve':
      if (alertId === 'alert-2')
        return json(409, {
          error: 'ALERT_NOT_PENDING',
          message: 'alert alert-2 is APPROVED, not PENDING',
          currentStatus: 'APPROVED',
        });
      return json(200, {
        ...pendingAlert,
        status: 'APPROVED',
        approvedBy: subOf(event),
        approvedAt: Date.UTC(2024, 4, 1, 11),
      });
    case 'POST /alerts/{alertId}/reject': {
      const { reason } = JSON.parse(event.body ?? '{}') as { reason?: string };
      if (!reason)
        return json(400, {
          error: 'VALIDATION_FAILED',
          message: 'invalid rejection',
          errors: [{ path: 'reason', message: 'must not be empty' }],
        });
      return json(200, {
        ...pendingAlert,
        status: 'REJECTED',
        rejectedBy: subOf(event),
        rejectedAt: Date.UTC(2024, 4, 1, 11),
        rejectionReason: reason,
      });
    }
    case 'POST /metrics':
      throw new Error('the metrics handler blew up');
    default:
      return json(404, { message: 'no such route in the fake' });
  }
};

export interface FakeApi {
  api: LocalHttpApi;
  issuer: LocalTokenIssuer;
  events: LocalHttpApiEvent[];
  requests: RequestInfo[];
  setReady(ready: boolean): void;
}

/** The local HTTP API on a free loopback port with fake handlers that record the events they get. */
export const startFakeApi = async (
  invoke: (route: HttpRoute, event: LocalHttpApiEvent) => Promise<unknown> = fakeInvoke,
  options: { integrationTimeoutMs?: number } = {},
): Promise<FakeApi> => {
  const issuer = await LocalTokenIssuer.create({ audience: ['ai-ops'] });
  const events: LocalHttpApiEvent[] = [];
  const requests: RequestInfo[] = [];
  let ready = true;
  const api = await createLocalHttpApi({
    routes: appRoutes,
    invoke: (route, event) => {
      events.push(event);
      return invoke(route, event);
    },
    issuer,
    port: 0,
    isReady: () => ready,
    onRequest: (info) => requests.push(info),
    ...options,
  });
  return { api, issuer, events, requests, setReady: (value) => (ready = value) };
};
