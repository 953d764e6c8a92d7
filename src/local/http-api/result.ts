/** What goes back on the wire for one request. */
export interface HttpReply {
  statusCode: number;
  headers: Record<string, string>;
  /** Each becomes one set-cookie header. */
  cookies: string[];
  body: Buffer;
}

/** A JSON reply the way API Gateway itself answers (404, 401, 500 ...). */
export const gatewayReply = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpReply => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  cookies: [],
  body: Buffer.from(JSON.stringify(body)),
});

export const internalServerError = (): HttpReply => gatewayReply(500, { message: 'Internal Server Error' });

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const structuredReply = (result: Record<string, unknown>): HttpReply | undefined => {
  const { statusCode, headers = {}, cookies = [], body = '', isBase64Encoded = false } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599)
    return undefined;
  if (!isRecord(headers) || !Array.isArray(cookies) || typeof body !== 'string') return undefined;
  const replyHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      return undefined;
    replyHeaders[name.toLowerCase()] = String(value);
  }
  return {
    statusCode,
    headers: replyHeaders,
    cookies: cookies.map(String),
    body: isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body),
  };
};

/**
 * API Gateway's reading of a payload 2.0 response. Lambda sends the result as JSON, so it is read after a
 * JSON round trip. An object with a statusCode is a structured response (a malformed one is a 500); any
 * other value is a 200 application/json whose body is the string itself or the value's JSON.
 */
export const replyOf = (result: unknown): HttpReply => {
  const serialized = JSON.stringify(result) ?? 'null';
  const value: unknown = JSON.parse(serialized);
  if (isRecord(value) && 'statusCode' in value) return structuredReply(value) ?? internalServerError();
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(typeof value === 'string' ? value : serialized),
  };
};
