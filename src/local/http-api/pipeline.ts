import { createJwtAuthorizer } from './authorizer';
import { buildHttpApiEvent, type LocalHttpApiEvent, type ReceivedRequest, splitTarget } from './event';
import { LOCAL_ROUTE_KEYS, localRouteReply, type RuntimeRoutes } from './local-routes';
import { gatewayReply, type HttpReply, internalServerError, replyOf } from './result';
import { createRouteMatcher } from './route-matcher';
import type { HttpRoute } from './routes';
import type { LocalTokenIssuer } from './token-issuer';

export interface PipelineOptions {
  routes: readonly HttpRoute[];
  invoke: (route: HttpRoute, event: LocalHttpApiEvent) => Promise<unknown>;
  issuer: LocalTokenIssuer;
  isReady: () => boolean;
  runtime?: RuntimeRoutes;
  integrationTimeoutMs: number;
  /** Static files served before routing (the operator console); undefined for a path that is not theirs. */
  staticFiles?: (method: string, rawPath: string) => HttpReply | undefined;
}

/** How one request ended, and why API Gateway answered instead of the function when it did. */
export interface Outcome {
  reply: HttpReply;
  /** The definition's route that matched, if any. */
  route: HttpRoute | undefined;
  /** The route key served: the definition's, a local-only one, or undefined for a 404. */
  routeKey: string | undefined;
  reason: string | undefined;
}

const TIMED_OUT = Symbol('timed out');

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * What API Gateway does with a request, in its order: local-only routes first (they are not API
 * Gateway's), then route selection (404), authorization (401/403), the integration (500 when it throws,
 * 503 past the timeout) and the response mapping.
 */
export const createRequestPipeline = (
  options: PipelineOptions,
): ((request: ReceivedRequest) => Promise<Outcome>) => {
  const { routes, invoke, issuer, isReady, integrationTimeoutMs } = options;
  const clash = routes.find((route) => (LOCAL_ROUTE_KEYS as readonly string[]).includes(route.routeKey));
  if (clash)
    throw new Error(`route ${clash.routeKey} of ${clash.functionName} clashes with a local-only route`);
  const match = createRouteMatcher(routes);
  const authorize = createJwtAuthorizer(issuer);

  return async (request) => {
    const { rawPath } = splitTarget(request.url);
    const localKey = `${request.method} ${rawPath}`;
    const local = await localRouteReply(localKey, request.body, {
      issuer,
      isReady,
      runtime: options.runtime,
    });
    if (local) return { reply: local, route: undefined, routeKey: localKey, reason: undefined };
    const file = options.staticFiles?.(request.method, rawPath);
    if (file) return { reply: file, route: undefined, routeKey: localKey, reason: undefined };

    const matched = match(request.method, rawPath);
    if (!matched) {
      const reply = gatewayReply(404, { message: 'Not Found' });
      return { reply, route: undefined, routeKey: undefined, reason: 'no route' };
    }
    const { route } = matched;
    const answer = (reply: HttpReply, reason: string | undefined): Outcome => ({
      reply,
      route,
      routeKey: route.routeKey,
      reason,
    });
    if (!isReady())
      return answer(gatewayReply(503, { message: 'Service Unavailable' }), 'the runtime is starting');

    const headers: Record<string, string> = {};
    for (const [name, values] of Object.entries(request.headers))
      if (values) headers[name] = values.join(',');
    const authorization = await authorize(route, headers);
    if (!authorization.allowed) {
      const message = authorization.statusCode === 401 ? 'Unauthorized' : 'Forbidden';
      const reply = gatewayReply(
        authorization.statusCode,
        { message },
        { 'www-authenticate': authorization.wwwAuthenticate },
      );
      return answer(reply, authorization.reason);
    }

    const event = buildHttpApiEvent(request, { ...matched, jwt: authorization.jwt });
    let result: unknown;
    try {
      result = await withTimeout(invoke(route, event), integrationTimeoutMs);
    } catch (error) {
      return answer(internalServerError(), `the function failed: ${describe(error)}`);
    }
    if (result === TIMED_OUT) {
      const reply = gatewayReply(503, { message: 'Service Unavailable' });
      return answer(reply, `the function ran longer than ${integrationTimeoutMs} ms`);
    }
    try {
      return answer(replyOf(result), undefined);
    } catch (error) {
      return answer(internalServerError(), `the function's result is not JSON: ${describe(error)}`);
    }
  };
};
