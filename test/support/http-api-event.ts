import { randomUUID } from 'node:crypto';
import type { HttpApiEvent } from '../../src/http/request';

/**
 * An HTTP API (payload 2.0) `POST /metrics` as API Gateway sends it once the JWT authorizer let it in;
 * `claims` and `scopes` are what the authorizer passes on, anything else overrides the event's fields.
 */
export const httpApiEvent = (
  overrides: Partial<HttpApiEvent> & { claims?: Record<string, string>; scopes?: string[] } = {},
): HttpApiEvent => {
  const { claims, scopes, ...rest } = overrides;
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: 'POST /metrics',
    rawPath: '/metrics',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: 'POST',
        path: '/metrics',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'vitest',
      },
      requestId: randomUUID(),
      routeKey: 'POST /metrics',
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims: claims ?? { sub: 'station-gateway' }, scopes: scopes ?? ['metrics/write'] },
      },
    },
    ...rest,
  };
};
