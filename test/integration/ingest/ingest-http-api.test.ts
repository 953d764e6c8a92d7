import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLocalHttpApi,
  type HttpRoute,
  httpRoutesOf,
  jwtAudiencesOf,
  type LocalHttpApi,
  LocalTokenIssuer,
} from '../../../src/local/http-api';
import { loadServiceDefinition } from '../../../src/local/service-definition';
import { createTestTables, type TestTables } from '../../support/tables';
import { type IngestHandler, lambdaContext, loadIngestHandler, storedRows, validMetric } from './support';

/**
 * The token checks of POST /metrics are API Gateway's (the JWT authorizer and the route's scopes in
 * serverless.yml), not the handler's: they are tested through the local HTTP API built from the same
 * definition, in front of the real handler on DynamoDB Local.
 */
describe('POST /metrics through the HTTP API of the service definition', () => {
  let tables: TestTables;
  let handler: IngestHandler;
  let api: LocalHttpApi;
  let issuer: LocalTokenIssuer;
  let routes: HttpRoute[];
  const invoked: APIGatewayProxyEventV2WithJWTAuthorizer[] = [];

  beforeAll(async () => {
    tables = await createTestTables();
    handler = await loadIngestHandler(tables);
    const definition = await loadServiceDefinition('test');
    routes = httpRoutesOf(definition);
    issuer = await LocalTokenIssuer.create({ audience: jwtAudiencesOf(definition) });
    api = await createLocalHttpApi({
      routes,
      invoke: async (route, event) => {
        if (route.handler !== 'handlers/ingest-metrics.handler')
          throw new Error(`this test serves POST /metrics only, not ${route.routeKey}`);
        const httpEvent = event as APIGatewayProxyEventV2WithJWTAuthorizer;
        invoked.push(httpEvent);
        return handler(httpEvent, lambdaContext());
      },
      issuer,
      port: 0,
      isReady: () => true,
    });
  });

  afterAll(async () => {
    await api?.close();
    tables?.client.destroy();
  });

  const postMetrics = (body: unknown, token?: string) =>
    fetch(`${api.url}/metrics`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });

  it('serves the definition’s POST /metrics route with its metrics/write scope, on loopback', () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(routes.find((r) => r.routeKey === 'POST /metrics')).toMatchObject({
      functionName: 'ingestMetrics',
      handler: 'handlers/ingest-metrics.handler',
      authorizer: expect.objectContaining({ identityHeader: 'authorization' }),
      scopes: ['metrics/write'],
    });
  });

  it('answers 401 without a token, and with a token it cannot verify; the handler never runs', async () => {
    const calls = invoked.length;
    const noToken = await postMetrics(validMetric('HTTP_401'));
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer/);

    const forged = await postMetrics(validMetric('HTTP_401'), 'not.a.jwt');
    expect(forged.status).toBe(401);

    const other = await LocalTokenIssuer.create({
      audience: jwtAudiencesOf(await loadServiceDefinition('test')),
    });
    other.bind(api.url);
    // Right issuer URL and audience, but signed with another key.
    const wrongKey = await postMetrics(validMetric('HTTP_401'), await other.issue({ sub: 'mallory' }));
    expect(wrongKey.status).toBe(401);

    expect(invoked.length).toBe(calls);
    expect(await storedRows(tables, 'HTTP_401')).toEqual([]);
  });

  it('answers 403 to a valid token without metrics/write; the handler never runs', async () => {
    const calls = invoked.length;
    const token = await issuer.issue({ sub: 'reader', scopes: ['alerts/read', 'alerts/decide'] });

    const response = await postMetrics(validMetric('HTTP_403'), token);

    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('insufficient_scope');
    expect(invoked.length).toBe(calls);
    expect(await storedRows(tables, 'HTTP_403')).toEqual([]);
  });

  it('runs the handler with metrics/write: 202, stored, the caller in claims.sub', async () => {
    const token = await issuer.issue({ sub: 'station-gateway-7', scopes: ['metrics/write'] });
    const metric = validMetric('HTTP_202');

    const response = await postMetrics(metric, token);

    expect(response.status).toBe(202);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ accepted: 1 });
    expect(await storedRows(tables, 'HTTP_202')).toEqual([{ ...metric, ttl: expect.any(Number) }]);
    expect(invoked.at(-1)).toMatchObject({
      version: '2.0',
      routeKey: 'POST /metrics',
      requestContext: {
        authorizer: { jwt: { claims: { sub: 'station-gateway-7' }, scopes: ['metrics/write'] } },
      },
    });
  });

  it('passes the handler’s 400 through for an authorized but invalid request', async () => {
    const token = await issuer.issue({ sub: 'station-gateway-7', scopes: ['metrics/write'] });

    const response = await postMetrics([], token);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'VALIDATION_FAILED', errors: [{ path: '(root)' }] });
  });
});
