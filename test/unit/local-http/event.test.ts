import { describe, expect, it } from 'vitest';
import { buildHttpApiEvent, type ReceivedRequest, requestTimeOf } from '../../../src/local/http-api/event';
import type { HttpRoute } from '../../../src/local/http-api/routes';
import { jwtRoute } from './fixtures';

const myRoute: HttpRoute = {
  functionName: 'fn',
  handler: 'handlers/fn.handler',
  method: 'POST',
  path: '/my/{parameter1}',
  routeKey: 'POST /my/{parameter1}',
  authorizer: undefined,
  scopes: [],
};

const TRACE = 'Root=1-5e6a8f1e-0123456789abcdef01234567';

const request = (overrides: Partial<ReceivedRequest> = {}): ReceivedRequest => ({
  method: 'POST',
  url: '/my/value1?parameter1=value1&parameter1=value2&parameter2=value',
  httpVersion: '1.1',
  headers: {
    Header1: ['value1'],
    header2: ['value1', 'value2'],
    cookie: ['cookie1=a; cookie2=b'],
    'content-type': ['text/plain'],
    'user-agent': ['agent'],
    host: ['id.execute-api.us-east-1.amazonaws.com'],
    'x-amzn-trace-id': [TRACE],
  },
  sourceIp: '192.0.2.1',
  localPort: 3000,
  body: Buffer.from('Hello from Lambda'),
  receivedAt: new Date(1583348638390),
  requestId: 'id',
  ...overrides,
});

describe('buildHttpApiEvent', () => {
  it("builds the payload 2.0 event of API Gateway's documented example", () => {
    const event = buildHttpApiEvent(request(), {
      route: myRoute,
      pathParameters: { parameter1: 'value1' },
      jwt: undefined,
    });
    expect(event).toEqual({
      version: '2.0',
      routeKey: 'POST /my/{parameter1}',
      rawPath: '/my/value1',
      rawQueryString: 'parameter1=value1&parameter1=value2&parameter2=value',
      cookies: ['cookie1=a', 'cookie2=b'],
      headers: {
        header1: 'value1',
        header2: 'value1,value2',
        'content-type': 'text/plain',
        'user-agent': 'agent',
        host: 'id.execute-api.us-east-1.amazonaws.com',
        'x-amzn-trace-id': TRACE,
        'x-forwarded-for': '192.0.2.1',
        'x-forwarded-port': '3000',
        'x-forwarded-proto': 'http',
      },
      queryStringParameters: { parameter1: 'value1,value2', parameter2: 'value' },
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: 'id.execute-api.us-east-1.amazonaws.com',
        domainPrefix: 'id',
        http: {
          method: 'POST',
          path: '/my/value1',
          protocol: 'HTTP/1.1',
          sourceIp: '192.0.2.1',
          userAgent: 'agent',
        },
        requestId: 'id',
        routeKey: 'POST /my/{parameter1}',
        stage: '$default',
        // The documented example's time and timeEpoch disagree; here both come from one clock.
        time: '04/Mar/2020:19:03:58 +0000',
        timeEpoch: 1583348638390,
      },
      body: 'Hello from Lambda',
      pathParameters: { parameter1: 'value1' },
      isBase64Encoded: false,
    });
    expect(event.requestContext).not.toHaveProperty('authorizer');
  });

  it('leaves out cookies, query parameters, path parameters and body when there are none', () => {
    const event = buildHttpApiEvent(
      request({
        method: 'GET',
        url: '/alerts',
        headers: { host: ['127.0.0.1:3000'] },
        body: Buffer.alloc(0),
      }),
      {
        route: jwtRoute(),
        pathParameters: undefined,
        jwt: { claims: { sub: 'alice' }, scopes: ['alerts/read'] },
      },
    );
    expect(event).not.toHaveProperty('cookies');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
    expect(event).not.toHaveProperty('body');
    expect(event.rawQueryString).toBe('');
    expect(event.isBase64Encoded).toBe(false);
    expect(event.requestContext.domainName).toBe('127.0.0.1');
    expect(event.requestContext).toMatchObject({
      authorizer: { jwt: { claims: { sub: 'alice' }, scopes: ['alerts/read'] } },
    });
  });

  it('passes JSON as text and other bodies (also form posts and untyped ones) base64-encoded', () => {
    const context = { route: myRoute, pathParameters: undefined, jwt: undefined };
    const withType = (contentType: string | undefined, body: Buffer) =>
      buildHttpApiEvent(
        request({ headers: contentType ? { 'content-type': [contentType] } : {}, body }),
        context,
      );
    expect(withType('application/json; charset=utf-8', Buffer.from('{"a":"é"}'))).toMatchObject({
      body: '{"a":"é"}',
      isBase64Encoded: false,
    });
    expect(withType('application/problem+json', Buffer.from('{}')).isBase64Encoded).toBe(false);
    const binary = Buffer.from([0, 255, 16, 32]);
    expect(withType('application/octet-stream', binary)).toMatchObject({
      body: binary.toString('base64'),
      isBase64Encoded: true,
    });
    expect(withType('application/x-www-form-urlencoded', Buffer.from('a=1')).body).toBe('YT0x');
    expect(withType(undefined, Buffer.from('x')).isBase64Encoded).toBe(true);
  });

  it('appends the caller to an existing x-forwarded-for and makes a trace id when there is none', () => {
    const event = buildHttpApiEvent(request({ headers: { 'x-forwarded-for': ['203.0.113.9'] } }), {
      route: myRoute,
      pathParameters: undefined,
      jwt: undefined,
    });
    expect(event.headers['x-forwarded-for']).toBe('203.0.113.9, 192.0.2.1');
    expect(event.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  });

  it('formats requestContext.time as API Gateway does', () => {
    expect(requestTimeOf(new Date(Date.UTC(2024, 0, 5, 7, 8, 9)))).toBe('05/Jan/2024:07:08:09 +0000');
  });
});
