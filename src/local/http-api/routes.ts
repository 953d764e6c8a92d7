import type { ServiceDefinition } from '../service-definition';

/** A JWT authorizer of provider.httpApi.authorizers, as a route uses it. */
export interface JwtAuthorizerConfig {
  name: string;
  /** The lower-cased header the token is read from ($request.header.Authorization). */
  identityHeader: string;
  /** The audiences the token's aud (or client_id) must match one of. */
  audience: string[];
  /** The issuer trusted in AWS; locally the local issuer stands in for it. */
  issuerUrl: string | undefined;
}

/** One HTTP API route of the service definition, as API Gateway would create it. */
export interface HttpRoute {
  functionName: string;
  /** The function's handler, e.g. 'handlers/ingest-metrics.handler'. */
  handler: string;
  /** Upper-case method, or '*' for ANY. */
  method: string;
  /** '/alerts/{alertId}/audit', or '*' for the $default route. */
  path: string;
  /** 'POST /metrics', 'ANY /x' or '$default', exactly what the handler sees as event.routeKey. */
  routeKey: string;
  /** Undefined for a route without an authorizer (API Gateway lets every request through). */
  authorizer: JwtAuthorizerConfig | undefined;
  scopes: string[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const stringList = (value: unknown): string[] => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
};

const identityHeaderOf = (identitySource: unknown, name: string): string => {
  // Serverless defaults the identity source to the Authorization header.
  const source = stringList(identitySource)[0] ?? '$request.header.Authorization';
  const header = /^\$request\.header\.(.+)$/.exec(source)?.[1];
  if (!header) throw new Error(`authorizer ${name}: identitySource ${source} is not a request header`);
  return header.toLowerCase();
};

/** The JWT authorizers of provider.httpApi.authorizers; any other kind is refused rather than ignored. */
export const jwtAuthorizersOf = (definition: ServiceDefinition): Map<string, JwtAuthorizerConfig> => {
  const httpApi = definition.provider.httpApi;
  const declared = isRecord(httpApi) && isRecord(httpApi.authorizers) ? httpApi.authorizers : {};
  const authorizers = new Map<string, JwtAuthorizerConfig>();
  for (const [name, config] of Object.entries(declared)) {
    if (!isRecord(config)) throw new Error(`authorizer ${name} is not an object`);
    // Serverless treats an authorizer without a type as a JWT authorizer.
    if (config.type !== undefined && String(config.type).toLowerCase() !== 'jwt')
      throw new Error(
        `authorizer ${name} is of type ${String(config.type)}; the local HTTP API runs JWT only`,
      );
    authorizers.set(name, {
      name,
      identityHeader: identityHeaderOf(config.identitySource, name),
      audience: stringList(config.audience),
      issuerUrl: typeof config.issuerUrl === 'string' ? config.issuerUrl : undefined,
    });
  }
  return authorizers;
};

/** Every audience the definition's JWT authorizers accept: the local issuer puts these in its tokens. */
export const jwtAudiencesOf = (definition: ServiceDefinition): string[] => [
  ...new Set([...jwtAuthorizersOf(definition).values()].flatMap((authorizer) => authorizer.audience)),
];

const routeKeyOf = (method: string, path: string): string =>
  path === '*' ? '$default' : `${method === '*' ? 'ANY' : method} ${path}`;

/** Serverless accepts `httpApi: 'GET /path'`, `httpApi: '*'` and `httpApi: { method, path, authorizer }`. */
const methodAndPath = (event: unknown, functionName: string): { method: string; path: string } => {
  if (event === '*') return { method: '*', path: '*' };
  if (typeof event === 'string') {
    const [method, path, ...rest] = event.trim().split(/\s+/);
    if (!method || !path || rest.length > 0)
      throw new Error(`function ${functionName}: httpApi event '${event}' is not 'METHOD /path'`);
    return { method: method.toUpperCase(), path };
  }
  if (isRecord(event) && typeof event.method === 'string' && typeof event.path === 'string')
    return { method: event.method.toUpperCase(), path: event.path };
  throw new Error(`function ${functionName}: httpApi event without method and path`);
};

const authorizerOf = (
  event: unknown,
  authorizers: Map<string, JwtAuthorizerConfig>,
  functionName: string,
): { authorizer: JwtAuthorizerConfig | undefined; scopes: string[] } => {
  const declared = isRecord(event) ? event.authorizer : undefined;
  if (declared === undefined) return { authorizer: undefined, scopes: [] };
  const name = typeof declared === 'string' ? declared : isRecord(declared) ? declared.name : undefined;
  // Failing here beats serving a route unprotected that API Gateway would protect.
  const authorizer = typeof name === 'string' ? authorizers.get(name) : undefined;
  if (!authorizer)
    throw new Error(
      `function ${functionName}: authorizer ${JSON.stringify(declared)} is not a JWT authorizer of provider.httpApi`,
    );
  return { authorizer, scopes: isRecord(declared) ? stringList(declared.scopes) : [] };
};

/** The HTTP API routes of the definition, in declaration order. */
export const httpRoutesOf = (definition: ServiceDefinition): HttpRoute[] => {
  const authorizers = jwtAuthorizersOf(definition);
  const routes: HttpRoute[] = [];
  for (const [functionName, fn] of Object.entries(definition.functions)) {
    for (const event of fn.events ?? []) {
      if (!('httpApi' in event)) continue;
      const { method, path } = methodAndPath(event.httpApi, functionName);
      const routeKey = routeKeyOf(method, path);
      if (routes.some((route) => route.routeKey === routeKey))
        throw new Error(`route ${routeKey} is declared twice (function ${functionName})`);
      routes.push({
        functionName,
        handler: fn.handler,
        method,
        path,
        routeKey,
        ...authorizerOf(event.httpApi, authorizers, functionName),
      });
    }
  }
  return routes;
};
