import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { ValidationError } from '../domain/errors';
import { UnauthorizedError } from './errors';

export type HttpApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

const header = (event: HttpApiEvent, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === wanted) return value;
  return undefined;
};

/**
 * The JSON body of a request: a wrong content type, an empty body, a body over `maxBytes` (checked before
 * it is parsed) or malformed JSON is a 400 that says so.
 */
export const jsonBody = (event: HttpApiEvent, options: { maxBytes?: number } = {}): unknown => {
  const contentType = header(event, 'content-type');
  if (!contentType || !/^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(contentType.trim())) {
    throw new ValidationError(`content type must be application/json, got ${contentType ?? 'none'}`, [
      { path: 'content-type', message: 'must be application/json' },
    ]);
  }
  const raw = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  const bytes = Buffer.byteLength(raw, 'utf8');
  if (options.maxBytes !== undefined && bytes > options.maxBytes)
    throw new ValidationError(`request body too large: ${bytes} bytes (at most ${options.maxBytes})`, [
      { path: '(body)', message: `must be at most ${options.maxBytes} bytes` },
    ]);
  if (raw.trim() === '')
    throw new ValidationError('request body is empty', [{ path: '(body)', message: 'must not be empty' }]);
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`malformed JSON: ${reason}`, [
      { path: '(body)', message: 'must be valid JSON' },
    ]);
  }
};

/** The authenticated caller: the token's subject, as the JWT authorizer passed it on. Never from the body. */
export const callerOf = (event: HttpApiEvent): string => {
  const sub = event.requestContext.authorizer?.jwt?.claims?.sub;
  if (typeof sub !== 'string' || sub === '') throw new UnauthorizedError('the token has no subject');
  return sub;
};

export const pathParameter = (event: HttpApiEvent, name: string): string => {
  const value = event.pathParameters?.[name];
  if (!value)
    throw new ValidationError(`missing path parameter ${name}`, [{ path: name, message: 'is required' }]);
  return value;
};
