import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalHttpApi } from '../../../src/local/http-api/server';
import { LocalTokenIssuer } from '../../../src/local/http-api/token-issuer';
import { appRoutes, type FakeApi, pendingAlert, startFakeApi } from './fake-api';

describe('the local HTTP API', () => {
  let fake: FakeApi;
  let url: string;
  let token: string;

  const call = async (
    method: string,
    path: string,
    init: { token?: string; body?: string; headers?: Record<string, string> } = {},
  ) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      json: text ? (JSON.parse(text) as unknown) : undefined,
    };
  };

  const lastEvent = () => {
    const event = fake.events.at(-1);
    if (!event) throw new Error('no function was invoked');
    return event as APIGatewayProxyEventV2WithJWTAuthorizer;
  };

  beforeAll(async () => {
    fake = await startFakeApi();
    url = fake.api.url;
    token = await fake.issuer.issue({ sub: 'alice' });
  });

  afterAll(async () => {
    await fake.api.close();
  });

  it('listens on loopback and says when it is ready, without a token', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    fake.setReady(false);
    expect(await call('GET', '/health')).toMatchObject({ status: 503, json: { status: 'starting' } });
    // The definition's routes wait too, rather than reach half-started handlers.
    expect(await call('GET', '/alerts', { token })).toMatchObject({ status: 503 });
    fake.setReady(true);
    expect(await call('GET', '/health')).toMatchObject({ status: 200, json: { status: 'ready' } });
    expect(fake.requests.at(-1)).toMatchObject({
      routeKey: 'GET /health',
      functionName: undefined,
      statusCode: 200,
    });
  });

  it('issues tokens on POST /local/token that verify against its JWKS', async () => {
    const response = await call('POST', '/local/token', {
      body: JSON.stringify({ sub: 'bob', scopes: ['alerts/read'] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = response.json as {
      access_token: string;
      token_type: string;
      expires_in: number;
      scope: string;
    };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'alerts/read' });
    const jwks = (await call('GET', '/local-issuer/.well-known/jwks.json')).json as Parameters<
      typeof createLocalJWKSet
    >[0];
    const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), {
      issuer: `${url}/local-issuer`,
      audience: 'ai-ops',
    });
    expect(payload).toMatchObject({ sub: 'bob', scope: 'alerts/read' });
  });

  it('grants the default scopes and refuses a token request without a subject', async () => {
    const defaults = await call('POST', '/local/token', { body: JSON.stringify({ sub: 'carol' }) });
    expect((defaults.json as { scope: string }).scope).toBe('metrics/write alerts/read alerts/decide');
    const invalid = await call('POST', '/local/token', { body: JSON.stringify({ scopes: ['x'] }) });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ errors: [{ path: 'sub' }] });
    expect((await call('POST', '/local/token', { body: '{oops' })).status).toBe(400);
  });

  it('runs a protected route with the payload 2.0 event, the caller in claims.sub', async () => {
    const response = await call('GET', '/alerts/alert-1?x=1&x=2', { token, headers: { 'X-Custom': 'v' } });
    expect(response.status).toBe(200);
    expect(response.json).toEqual(pendingAlert);
    expect(response.headers.get('apigw-requestid')).toEqual(expect.any(String));
    const event = lastEvent();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /alerts/{alertId}',
      rawPath: '/alerts/alert-1',
      rawQueryString: 'x=1&x=2',
      queryStringParameters: { x: '1,2' },
      pathParameters: { alertId: 'alert-1' },
      isBase64Encoded: false,
      requestContext: {
        apiId: 'local',
        stage: '$default',
        routeKey: 'GET /alerts/{alertId}',
        requestId: response.headers.get('apigw-requestid'),
        http: { method: 'GET', path: '/alerts/alert-1', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
        authorizer: { jwt: { scopes: ['metrics/write', 'alerts/read', 'alerts/decide'] } },
      },
    });
    expect(event.headers['x-custom']).toBe('v');
    expect(event.headers.authorization).toBe(`Bearer ${token}`);
    expect(event.requestContext.authorizer.jwt.claims).toMatchObject({
      sub: 'alice',
      iss: `${url}/local-issuer`,
      aud: 'ai-ops',
      exp: expect.stringMatching(/^\d+$/),
    });
  });

  it('passes the function a JSON body as text', async () => {
    await call('POST', '/alerts/alert-1/reject', {
      token,
      body: JSON.stringify({ reason: 'duplicate' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(lastEvent()).toMatchObject({ body: '{"reason":"duplicate"}', isBase64Encoded: false });
  });

  it('answers 413 to a body over 10 MB without invoking the function, and keeps serving', async () => {
    const invocations = fake.events.length;
    const tooLarge = await call('POST', '/alerts/alert-1/reject', {
      token,
      body: 'x'.repeat(10 * 1024 * 1024 + 1),
      headers: { 'content-type': 'text/plain' },
    });
    expect(tooLarge).toMatchObject({ status: 413, json: { message: 'Request Entity Too Large' } });
    expect(fake.events.length).toBe(invocations);
    const next = await call('POST', '/alerts/alert-1/reject', {
      token,
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(next.status).not.toBe(413);
    expect(fake.events.length).toBe(invocations + 1);
  });

  it('answers 401 before the function without a token or with a bad one', async () => {
    const invocations = fake.events.length;
    const missing = await call('GET', '/alerts');
    expect(missing).toMatchObject({ status: 401, json: { message: 'Unauthorized' } });
    const other = await LocalTokenIssuer.create({ audience: 'ai-ops' });
    other.bind(url);
    const forged = await call('GET', '/alerts', { token: await other.issue({ sub: 'mallory' }) });
    expect(forged).toMatchObject({ status: 401, json: { message: 'Unauthorized' } });
    expect(forged.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(fake.events.length).toBe(invocations);
  });

  it('answers 403 when the token lacks the route scope', async () => {
    const readOnly = await fake.issuer.issue({ sub: 'alice', scopes: ['alerts/read'] });
    expect(await call('POST', '/alerts/alert-1/approve', { token: readOnly })).toMatchObject({
      status: 403,
      json: { message: 'Forbidden' },
    });
  });

  it('answers 404 Not Found for an unknown route or method, as API Gateway', async () => {
    expect(await call('GET', '/nope', { token })).toMatchObject({
      status: 404,
      json: { message: 'Not Found' },
    });
    expect(await call('DELETE', '/alerts/alert-1', { token })).toMatchObject({ status: 404 });
    expect(await call('GET', '/local/token')).toMatchObject({ status: 404 });
    expect(fake.requests.at(-1)).toMatchObject({ statusCode: 404, routeKey: undefined, reason: 'no route' });
  });

  it('answers 500 Internal Server Error when the function throws', async () => {
    const response = await call('POST', '/metrics', {
      token,
      body: '[]',
      headers: { 'content-type': 'application/json' },
    });
    expect(response).toMatchObject({ status: 500, json: { message: 'Internal Server Error' } });
    expect(fake.requests.at(-1)).toMatchObject({
      routeKey: 'POST /metrics',
      functionName: 'ingestMetrics',
      statusCode: 500,
      reason: expect.stringContaining('blew up'),
    });
  });

  it("passes the function's error statuses and bodies through", async () => {
    expect(await call('GET', '/alerts/missing', { token })).toMatchObject({
      status: 404,
      json: { error: 'ALERT_NOT_FOUND' },
    });
  });
});

describe('the local HTTP API with other functions', () => {
  it('returns binary bodies, cookies and plain values the way API Gateway maps them', async () => {
    const replies: unknown[] = [
      {
        statusCode: 200,
        headers: { 'content-type': 'image/png' },
        body: Buffer.from([137, 80]).toString('base64'),
        isBase64Encoded: true,
        cookies: ['a=1', 'b=2'],
      },
      { items: [] },
    ];
    const fake = await startFakeApi(async () => replies.shift());
    try {
      const token = await fake.issuer.issue({ sub: 'alice' });
      const binary = await fetch(`${fake.api.url}/alerts`, {
        method: 'GET',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(Buffer.from(await binary.arrayBuffer())).toEqual(Buffer.from([137, 80]));
      expect(binary.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
      const plain = await fetch(`${fake.api.url}/alerts`, { headers: { authorization: token } });
      expect([plain.status, plain.headers.get('content-type'), await plain.json()]).toEqual([
        200,
        'application/json',
        { items: [] },
      ]);
    } finally {
      await fake.api.close();
    }
  });

  it('passes a binary request body base64-encoded', async () => {
    const fake = await startFakeApi(async () => ({ statusCode: 202 }));
    try {
      const token = await fake.issuer.issue({ sub: 'alice' });
      const response = await fetch(`${fake.api.url}/metrics`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: new Uint8Array([0, 1, 2, 255]),
      });
      expect(response.status).toBe(202);
      expect(fake.events[0]).toMatchObject({ body: 'AAEC/w==', isBase64Encoded: true });
    } finally {
      await fake.api.close();
    }
  });

  it('answers 503 when the function outlives the integration timeout', async () => {
    const fake = await startFakeApi(() => new Promise((resolve) => setTimeout(() => resolve({}), 500)), {
      integrationTimeoutMs: 50,
    });
    try {
      const token = await fake.issuer.issue({ sub: 'alice' });
      const response = await fetch(`${fake.api.url}/alerts`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect([response.status, await response.json()]).toEqual([503, { message: 'Service Unavailable' }]);
    } finally {
      await fake.api.close();
    }
  });

  it('refuses a definition route that clashes with a local-only route', async () => {
    const issuer = await LocalTokenIssuer.create({ audience: 'ai-ops' });
    const clash = { ...appRoutes[0], method: 'POST', path: '/local/token', routeKey: 'POST /local/token' };
    await expect(
      createLocalHttpApi({
        routes: [clash as (typeof appRoutes)[number]],
        invoke: async () => ({}),
        issuer,
        port: 0,
        isReady: () => true,
      }),
    ).rejects.toThrow(/clashes with a local-only route/);
  });
});
