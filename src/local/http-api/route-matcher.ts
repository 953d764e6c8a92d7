import type { HttpRoute } from './routes';

// Hand-written rather than a router library: API Gateway's rules are few (literal segments, {param},
// a trailing {param+}, ANY and $default, most specific wins) and a general-purpose router would add its
// own (trailing-slash folding, case folding, regex params) that API Gateway does not have.

type Segment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'greedy'; name: string };

interface CompiledRoute {
  route: HttpRoute;
  /** Undefined for the $default route, which matches every request. */
  segments: Segment[] | undefined;
}

export interface RouteMatch {
  route: HttpRoute;
  /** Undefined when the route has no path variables, as in API Gateway's event. */
  pathParameters: Record<string, string> | undefined;
}

const compileSegment = (text: string, isLast: boolean, path: string): Segment => {
  const variable = /^\{([A-Za-z0-9_.-]+)(\+?)\}$/.exec(text);
  if (!variable?.[1]) {
    if (text.includes('{') || text.includes('}')) throw new Error(`route path ${path}: bad segment ${text}`);
    return { kind: 'literal', value: text };
  }
  if (variable[2] !== '+') return { kind: 'param', name: variable[1] };
  if (!isLast) throw new Error(`route path ${path}: a greedy variable must be the last segment`);
  return { kind: 'greedy', name: variable[1] };
};

const splitPath = (path: string): string[] => path.slice(1).split('/');

const compile = (route: HttpRoute): CompiledRoute => {
  if (route.path === '*') return { route, segments: undefined };
  if (!route.path.startsWith('/')) throw new Error(`route path ${route.path} does not start with /`);
  const parts = splitPath(route.path);
  return {
    route,
    segments: parts.map((part, i) => compileSegment(part, i === parts.length - 1, route.path)),
  };
};

const decode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** The path variables when `segments` match the request path, else undefined. */
const matchSegments = (segments: Segment[], requestParts: string[]): Record<string, string> | undefined => {
  const parameters: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    if (segment.kind === 'greedy') {
      const rest = requestParts.slice(i);
      if (rest.length === 0 || rest.join('') === '') return undefined;
      parameters[segment.name] = decode(rest.join('/'));
      return parameters;
    }
    const part = requestParts[i];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (decode(part) !== segment.value) return undefined;
    } else {
      if (part === '') return undefined;
      parameters[segment.name] = decode(part);
    }
  }
  return segments.length === requestParts.length ? parameters : undefined;
};

const segmentRank = { literal: 0, param: 1, greedy: 2 } as const;

/**
 * Negative when `a` is the more specific route: no greedy variable before one, then literal segments
 * before variables from left to right, then a method before ANY; $default last of all.
 */
const bySpecificity = (a: CompiledRoute, b: CompiledRoute): number => {
  if (!a.segments || !b.segments) return (a.segments ? 0 : 1) - (b.segments ? 0 : 1);
  const greedy = (c: CompiledRoute): number => (c.segments?.some((s) => s.kind === 'greedy') ? 1 : 0);
  if (greedy(a) !== greedy(b)) return greedy(a) - greedy(b);
  for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
    const left = a.segments[i];
    const right = b.segments[i];
    if (left && right && left.kind !== right.kind) return segmentRank[left.kind] - segmentRank[right.kind];
  }
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  return (a.route.method === '*' ? 1 : 0) - (b.route.method === '*' ? 1 : 0);
};

/** Selects the route for a request the way API Gateway does; undefined means 404 Not Found. */
export const createRouteMatcher = (
  routes: readonly HttpRoute[],
): ((method: string, rawPath: string) => RouteMatch | undefined) => {
  const compiled = routes.map(compile).sort(bySpecificity);
  return (method, rawPath) => {
    const wanted = method.toUpperCase();
    const requestParts = splitPath(rawPath);
    for (const candidate of compiled) {
      if (candidate.route.method !== '*' && candidate.route.method !== wanted) continue;
      if (!candidate.segments) return { route: candidate.route, pathParameters: undefined };
      const parameters = matchSegments(candidate.segments, requestParts);
      if (!parameters) continue;
      return {
        route: candidate.route,
        pathParameters: Object.keys(parameters).length > 0 ? parameters : undefined,
      };
    }
    return undefined;
  };
};
