import { describe, expect, it } from 'vitest';
import { createRouteMatcher } from '../../../src/local/http-api/route-matcher';
import type { HttpRoute } from '../../../src/local/http-api/routes';

const route = (routeKey: string): HttpRoute => {
  const [method = '', path = ''] = routeKey === '$default' ? ['*', '*'] : routeKey.split(' ');
  return {
    functionName: routeKey,
    handler: 'h.handler',
    method: method === 'ANY' ? '*' : method,
    path,
    routeKey,
    authorizer: undefined,
    scopes: [],
  };
};

const appRoutes = [
  'POST /metrics',
  'GET /alerts',
  'GET /alerts/{alertId}',
  'GET /alerts/{alertId}/audit',
  'POST /alerts/{alertId}/approve',
  'POST /alerts/{alertId}/reject',
].map(route);

const keyOf = (match: ReturnType<ReturnType<typeof createRouteMatcher>>) => match?.route.routeKey;

describe('createRouteMatcher', () => {
  const match = createRouteMatcher(appRoutes);

  it('matches literal paths without path parameters', () => {
    expect(match('GET', '/alerts')).toEqual({ route: appRoutes[1], pathParameters: undefined });
    expect(keyOf(match('POST', '/metrics'))).toBe('POST /metrics');
  });

  it('fills {param} segments, decoded', () => {
    expect(match('GET', '/alerts/a-1')?.pathParameters).toEqual({ alertId: 'a-1' });
    expect(match('GET', '/alerts/a%201/audit')).toMatchObject({
      route: { routeKey: 'GET /alerts/{alertId}/audit' },
      pathParameters: { alertId: 'a 1' },
    });
    expect(keyOf(match('POST', '/alerts/x/reject'))).toBe('POST /alerts/{alertId}/reject');
  });

  it('answers nothing (404) for an unknown path, a wrong method, an empty or extra segment', () => {
    expect(match('GET', '/nope')).toBeUndefined();
    expect(match('DELETE', '/alerts/a-1')).toBeUndefined();
    expect(match('GET', '/metrics')).toBeUndefined();
    expect(match('GET', '/alerts//audit')).toBeUndefined();
    expect(match('GET', '/alerts/a/b/c')).toBeUndefined();
    // API Gateway does not fold a trailing slash.
    expect(match('GET', '/alerts/')).toBeUndefined();
  });

  it('prefers literal segments over variables, a method over ANY, anything over greedy and $default', () => {
    const specific = createRouteMatcher(
      ['$default', 'ANY /pets/{proxy+}', 'GET /pets/{id}', 'GET /pets/dog', 'ANY /pets/dog'].map(route),
    );
    expect(keyOf(specific('GET', '/pets/dog'))).toBe('GET /pets/dog');
    expect(keyOf(specific('POST', '/pets/dog'))).toBe('ANY /pets/dog');
    expect(keyOf(specific('GET', '/pets/cat'))).toBe('GET /pets/{id}');
    expect(specific('GET', '/pets/cat/toys/1')).toMatchObject({
      route: { routeKey: 'ANY /pets/{proxy+}' },
      pathParameters: { proxy: 'cat/toys/1' },
    });
    expect(keyOf(specific('GET', '/other'))).toBe('$default');
  });

  it('prefers a full match with variables over a greedy match with more literals', () => {
    const greedy = createRouteMatcher(['GET /a/{proxy+}', 'GET /{x}/b/c'].map(route));
    expect(greedy('GET', '/a/b/c')).toMatchObject({
      route: { routeKey: 'GET /{x}/b/c' },
      pathParameters: { x: 'a' },
    });
    expect(greedy('GET', '/a/b/d')).toMatchObject({
      route: { routeKey: 'GET /a/{proxy+}' },
      pathParameters: { proxy: 'b/d' },
    });
  });

  it('refuses a greedy variable that is not the last segment', () => {
    expect(() => createRouteMatcher([route('GET /a/{rest+}/b')])).toThrow(/greedy/);
  });
});
