/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

// Compared after lower-casing and dropping '-' and '_', so `Authorization`, `x-api-key`, `access_token`
// and `accessToken` all match. HTTP API v2 events carry both `headers.authorization` and `cookies`.
const SENSITIVE_KEYS = new Set([
  'authorization',
  'proxyauthorization',
  'cookie',
  'cookies',
  'setcookie',
  'xapikey',
  'apikey',
  'xamzsecuritytoken',
  'token',
  'accesstoken',
  'idtoken',
  'refreshtoken',
  'password',
  'secret',
  'clientsecret',
]);

// A token can also travel inside a free-text value (an error message, a logged URL), so strings are
// scrubbed too: a Bearer credential, and anything shaped like a JWT (three base64url segments).
const BEARER = /\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi;
const JWT = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

export const isSensitiveKey = (key: string): boolean =>
  SENSITIVE_KEYS.has(key.toLowerCase().replace(/[-_]/g, ''));

export const scrubString = (value: string): string =>
  value.replace(BEARER, `Bearer ${REDACTED}`).replace(JWT, REDACTED);

/**
 * A JSON.stringify replacer: the logger runs it over every key of every line (including the event
 * `logEvent` prints), so credentials are removed however deep they are nested.
 */
export const redactReplacer = (key: string, value: unknown): unknown => {
  if (value === undefined || value === null) return value;
  if (key !== '' && isSensitiveKey(key)) return REDACTED;
  if (typeof value === 'string') return scrubString(value);
  return value;
};

/** A redacted deep copy of a JSON-shaped value, for anything that stores or prints data outside the logger. */
export const redact = <T>(value: T): unknown =>
  value === undefined ? undefined : JSON.parse(JSON.stringify(value, redactReplacer));
