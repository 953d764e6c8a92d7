import { z } from 'zod';
import { gatewayReply, type HttpReply } from './result';
import { DEFAULT_SCOPES, JWKS_PATH, type LocalTokenIssuer } from './token-issuer';

/**
 * Routes only the local API has: none of them is in serverless.yml, so none exists in AWS (where tokens
 * come from the identity provider and health is API Gateway's business).
 */
export const LOCAL_ROUTE_KEYS = [
  'GET /health',
  'POST /local/token',
  `GET ${JWKS_PATH}`,
  'POST /local/dead-letters/redrive',
] as const;

/** One part of the local runtime as /health reports it. */
export interface RuntimePart {
  up: boolean;
  detail?: string;
}

/** What the runtime adds to its local routes: the health of its parts, and dead-letter redrive. */
export interface RuntimeRoutes {
  /** Each part by name (DynamoDB Local, each poller, the workflow runner); one down makes /health 503. */
  parts?(): Record<string, RuntimePart>;
  /** POST /local/dead-letters/redrive {"id": "..."}: the reply says what happened. */
  redriveDeadLetter?(id: string): Promise<HttpReply>;
}

export interface LocalRouteDeps {
  issuer: LocalTokenIssuer;
  isReady: () => boolean;
  runtime?: RuntimeRoutes | undefined;
}

const health = (deps: LocalRouteDeps): HttpReply => {
  if (!deps.isReady()) return gatewayReply(503, { status: 'starting' });
  const parts = deps.runtime?.parts?.();
  if (!parts) return gatewayReply(200, { status: 'ready' });
  const down = Object.entries(parts)
    .filter(([, part]) => !part.up)
    .map(([name]) => name);
  return down.length === 0
    ? gatewayReply(200, { status: 'ready', parts })
    : gatewayReply(503, { status: 'degraded', down, parts });
};

const redrive = async (body: Buffer, deps: LocalRouteDeps): Promise<HttpReply> => {
  let id: unknown;
  try {
    id = (JSON.parse(body.toString('utf8') || '{}') as { id?: unknown }).id;
  } catch {
    return badRequest('malformed JSON', [{ path: '(body)', message: 'must be valid JSON' }]);
  }
  if (typeof id !== 'string' || id.trim() === '')
    return badRequest('invalid redrive request', [
      { path: 'id', message: 'is required and must be a string' },
    ]);
  if (!deps.runtime?.redriveDeadLetter) return gatewayReply(404, { message: 'Not Found' });
  return deps.runtime.redriveDeadLetter(id.trim());
};

const tokenRequestSchema = z.object({
  sub: z.string({ error: 'is required and must be a string' }).trim().min(1, 'must not be empty'),
  scopes: z
    .union([z.array(z.string().trim().min(1)), z.string()])
    .optional()
    .transform((scopes) => (typeof scopes === 'string' ? scopes.split(' ').filter((s) => s !== '') : scopes)),
  ttlSeconds: z.number().int().min(1).max(86_400).optional(),
});

const badRequest = (message: string, errors: { path: string; message: string }[]): HttpReply =>
  gatewayReply(400, { error: 'VALIDATION_FAILED', message, errors });

const issueToken = async (body: Buffer, issuer: LocalTokenIssuer): Promise<HttpReply> => {
  let parsedJson: unknown;
  try {
    parsedJson = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    return badRequest('malformed JSON', [{ path: '(body)', message: 'must be valid JSON' }]);
  }
  const parsed = tokenRequestSchema.safeParse(parsedJson);
  if (!parsed.success) {
    return badRequest(
      'invalid token request',
      parsed.error.issues.map((issue) => ({
        path: issue.path.join('.') || '(body)',
        message: issue.message,
      })),
    );
  }
  const { sub, scopes = [...DEFAULT_SCOPES], ttlSeconds = 3600 } = parsed.data;
  const accessToken = await issuer.issue({ sub, scopes, ttlSeconds });
  return gatewayReply(
    200,
    { access_token: accessToken, token_type: 'Bearer', expires_in: ttlSeconds, scope: scopes.join(' ') },
    // Tokens are credentials: no intermediary may keep one (RFC 6749 5.1).
    { 'cache-control': 'no-store' },
  );
};

/** The reply of a local-only route, or undefined when the request is not for one. */
export const localRouteReply = async (
  routeKey: string,
  body: Buffer,
  deps: LocalRouteDeps,
): Promise<HttpReply | undefined> => {
  switch (routeKey) {
    case 'GET /health':
      return health(deps);
    case 'POST /local/dead-letters/redrive':
      return redrive(body, deps);
    case 'POST /local/token':
      return issueToken(body, deps.issuer);
    case `GET ${JWKS_PATH}`:
      return gatewayReply(200, deps.issuer.jwks());
    default:
      return undefined;
  }
};
