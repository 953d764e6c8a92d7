import { describe, expect, it } from 'vitest';
import { httpRoutesOf, jwtAudiencesOf, jwtAuthorizersOf } from '../../../src/local/http-api/routes';
import { loadServiceDefinition } from '../../../src/local/service-definition';
import { definitionWith } from './fixtures';

describe('httpRoutesOf', () => {
  it('reads the routes of serverless.yml with their handlers and scopes', async () => {
    const routes = httpRoutesOf(await loadServiceDefinition('test'));
    expect(routes.map((r) => [r.routeKey, r.functionName, r.handler, r.scopes])).toEqual([
      ['POST /metrics', 'ingestMetrics', 'handlers/ingest-metrics.handler', ['metrics/write']],
      ['GET /alerts', 'queryAlerts', 'handlers/query-alerts.handler', ['alerts/read']],
      ['GET /alerts/{alertId}', 'queryAlerts', 'handlers/query-alerts.handler', ['alerts/read']],
      ['GET /alerts/{alertId}/audit', 'queryAlerts', 'handlers/query-alerts.handler', ['alerts/read']],
      ['GET /silences', 'queryAlerts', 'handlers/query-alerts.handler', ['alerts/read']],
      ['GET /rules/stats', 'queryAlerts', 'handlers/query-alerts.handler', ['alerts/read']],
      [
        'GET /stations/{stationId}/metrics',
        'queryStationMetrics',
        'handlers/query-station-metrics.handler',
        ['alerts/read'],
      ],
      ['POST /alerts/{alertId}/approve', 'decideAlert', 'handlers/decide-alert.handler', ['alerts/decide']],
      ['POST /alerts/{alertId}/reject', 'decideAlert', 'handlers/decide-alert.handler', ['alerts/decide']],
      ['POST /alerts/{alertId}/resolve', 'decideAlert', 'handlers/decide-alert.handler', ['alerts/decide']],
      ['POST /silences', 'decideAlert', 'handlers/decide-alert.handler', ['alerts/decide']],
      ['DELETE /silences/{silenceId}', 'decideAlert', 'handlers/decide-alert.handler', ['alerts/decide']],
    ]);
    expect(
      routes.every((r) => r.authorizer?.name === 'jwt' && r.authorizer.identityHeader === 'authorization'),
    ).toBe(true);
    // The token route is the local API's own: the deployed API must not have it.
    expect(routes.some((r) => r.path.startsWith('/local'))).toBe(false);
  });

  it('takes the string forms, ANY and the $default route', () => {
    const routes = httpRoutesOf(
      definitionWith({
        a: { handler: 'handlers/a.handler', events: [{ httpApi: 'get /things/{id}' }] },
        b: { handler: 'handlers/b.handler', events: [{ httpApi: { method: '*', path: '/any' } }] },
        c: { handler: 'handlers/c.handler', events: [{ httpApi: '*' }, { stream: { arn: 'x' } }] },
      }),
    );
    expect(routes.map((r) => [r.routeKey, r.method, r.path, r.authorizer, r.scopes])).toEqual([
      ['GET /things/{id}', 'GET', '/things/{id}', undefined, []],
      ['ANY /any', '*', '/any', undefined, []],
      ['$default', '*', '*', undefined, []],
    ]);
  });

  it('refuses a route whose authorizer is not a JWT authorizer of the definition', () => {
    const definition = definitionWith({
      a: {
        handler: 'h.a',
        events: [{ httpApi: { method: 'GET', path: '/a', authorizer: { name: 'other' } } }],
      },
    });
    expect(() => httpRoutesOf(definition)).toThrow(/authorizer .*other/);
  });

  it('refuses a Lambda (request) authorizer rather than serving its routes unprotected', () => {
    expect(() =>
      jwtAuthorizersOf(definitionWith({}, { custom: { type: 'request', functionName: 'auth' } })),
    ).toThrow(/type request/);
  });

  it('refuses the same route declared twice', () => {
    const definition = definitionWith({
      a: { handler: 'h.a', events: [{ httpApi: 'GET /a' }] },
      b: { handler: 'h.b', events: [{ httpApi: { method: 'get', path: '/a' } }] },
    });
    expect(() => httpRoutesOf(definition)).toThrow(/GET \/a is declared twice/);
  });

  it('reads the audience as an array or a single string, and the identity header', () => {
    const single = definitionWith({}, { jwt: { issuerUrl: 'https://i/', audience: 'ai-ops' } });
    expect(jwtAudiencesOf(single)).toEqual(['ai-ops']);
    const many = definitionWith(
      {},
      {
        jwt: { audience: ['a', 'b'], identitySource: '$request.header.X-Token' },
        other: { audience: ['b', 'c'] },
      },
    );
    expect(jwtAudiencesOf(many)).toEqual(['a', 'b', 'c']);
    expect(jwtAuthorizersOf(many).get('jwt')?.identityHeader).toBe('x-token');
  });
});
