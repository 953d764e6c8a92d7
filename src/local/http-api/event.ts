import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { JwtContext } from './authorizer';
import type { HttpRoute } from './routes';

/** What the function receives: payload format 2.0, with requestContext.authorizer on JWT routes only. */
export type LocalHttpApiEvent = APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithJWTAuthorizer;

/** The parts of an HTTP request the event is made of (node:http's, without its objects). */
export interface ReceivedRequest {
  method: string;
  /** The request target as sent: path and query string. */
  url: string;
  httpVersion: string;
  /** Lower-cased names, every value of a repeated header (node:http's headersDistinct). */
  headers: Readonly<Record<string, readonly string[] | undefined>>;
  sourceIp: string;
  localPort: number;
  body: Buffer;
  receivedAt: Date;
  requestId: string;
}

export interface RouteContext {
  route: HttpRoute;
  pathParameters: Record<string, string> | undefined;
  jwt: JwtContext | undefined;
}

/** The id the account-scoped fields carry locally; nothing reads it, but the shape must be complete. */
export const LOCAL_ACCOUNT_ID = '000000000000';

export const splitTarget = (url: string): { rawPath: string; rawQueryString: string } => {
  const withoutFragment = url.split('#', 1)[0] ?? '';
  const queryAt = withoutFragment.indexOf('?');
  return queryAt < 0
    ? { rawPath: withoutFragment, rawQueryString: '' }
    : { rawPath: withoutFragment.slice(0, queryAt), rawQueryString: withoutFragment.slice(queryAt + 1) };
};

// Bodies of these types reach the function as text; any other body (or one without a content type)
// arrives base64-encoded, as API Gateway does (form posts included).
const TEXT_CONTENT_TYPE =
  /^\s*(text\/[^;\s]+|application\/(json|xml|javascript)|application\/[\w.-]+\+(json|xml))\s*(;|$)/i;

export const isTextContentType = (contentType: string | undefined): boolean =>
  contentType !== undefined && TEXT_CONTENT_TYPE.test(contentType);

/** Repeated parameters are comma-joined; no query string means no queryStringParameters at all. */
export const queryStringParametersOf = (rawQueryString: string): Record<string, string> | undefined => {
  if (rawQueryString === '') return undefined;
  const grouped = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    grouped.set(name, [...(grouped.get(name) ?? []), value]);
  }
  if (grouped.size === 0) return undefined;
  return Object.fromEntries([...grouped].map(([name, values]) => [name, values.join(',')]));
};

/** Cookie headers become the cookies array (one entry per cookie) and leave the headers. */
export const cookiesOf = (cookieHeaders: readonly string[] | undefined): string[] | undefined => {
  const cookies = (cookieHeaders ?? []).flatMap((header) =>
    header
      .split(';')
      .map((cookie) => cookie.trim())
      .filter((cookie) => cookie !== ''),
  );
  return cookies.length > 0 ? cookies : undefined;
};

// 24 random hex digits from a UUID: randomUUID draws from a cached entropy pool, randomBytes makes a
// call into OpenSSL per request.
const traceId = (at: Date): string =>
  `Root=1-${Math.floor(at.getTime() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)}`;

/** Lower-cased, repeated values comma-joined, plus the headers API Gateway adds on its way in. */
export const headersOf = (request: ReceivedRequest): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(request.headers)) {
    if (values === undefined || name.toLowerCase() === 'cookie') continue;
    headers[name.toLowerCase()] = values.join(',');
  }
  const forwardedFor = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwardedFor ? `${forwardedFor}, ${request.sourceIp}` : request.sourceIp;
  headers['x-forwarded-port'] = String(request.localPort);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??= traceId(request.receivedAt);
  return headers;
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** requestContext.time: '12/Mar/2020:19:03:58 +0000' (CLF, UTC). */
export const requestTimeOf = (at: Date): string =>
  `${pad(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:` +
  `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} +0000`;

const domainNameOf = (host: string | undefined): string => {
  if (!host) return 'localhost';
  // Drop the port: API Gateway's domainName is a bare host name. IPv6 hosts keep their brackets.
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? host);
};

/** The payload format 2.0 event API Gateway sends a Lambda proxy integration for this request. */
export const buildHttpApiEvent = (request: ReceivedRequest, context: RouteContext): LocalHttpApiEvent => {
  const { rawPath, rawQueryString } = splitTarget(request.url);
  const headers = headersOf(request);
  const domainName = domainNameOf(headers.host);
  const cookies = cookiesOf(request.headers.cookie);
  const queryStringParameters = queryStringParametersOf(rawQueryString);
  const requestContext = {
    accountId: LOCAL_ACCOUNT_ID,
    apiId: 'local',
    domainName,
    domainPrefix: domainName.split('.')[0] ?? domainName,
    http: {
      method: request.method.toUpperCase(),
      path: rawPath,
      protocol: `HTTP/${request.httpVersion}`,
      sourceIp: request.sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: request.requestId,
    routeKey: context.route.routeKey,
    stage: '$default',
    time: requestTimeOf(request.receivedAt),
    timeEpoch: request.receivedAt.getTime(),
  };
  const hasBody = request.body.length > 0;
  const textBody = isTextContentType(headers['content-type']);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: context.route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext,
    ...(hasBody ? { body: request.body.toString(textBody ? 'utf8' : 'base64') } : {}),
    ...(context.pathParameters ? { pathParameters: context.pathParameters } : {}),
    isBase64Encoded: hasBody && !textBody,
  };
  // A route without an authorizer gets no requestContext.authorizer at all, as in API Gateway.
  return context.jwt
    ? { ...event, requestContext: { ...requestContext, authorizer: { jwt: context.jwt } } }
    : event;
};
