import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSensitiveKey, REDACTED, redact, scrubString } from '../../../src/observability/redact';
import { type Captured, captureOutput } from './capture';
import { loadObservability } from './load';

const { logger } = await loadObservability();

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvcGVyYXRvci0xIn0.c2lnbmF0dXJlLXBhcnQ';

describe('what counts as sensitive', () => {
  it.each([
    'Authorization',
    'authorization',
    'Proxy-Authorization',
    'Cookie',
    'cookies',
    'x-api-key',
    'access_token',
    'accessToken',
    'refreshToken',
    'id_token',
    'password',
  ])('%s is redacted', (key) => expect(isSensitiveKey(key)).toBe(true));

  it.each(['alertId', 'stationId', 'content-type', 'tokenCount', 'authorizer'])('%s is kept', (key) =>
    expect(isSensitiveKey(key)).toBe(false),
  );

  it('scrubs Bearer credentials and JWTs out of free text', () => {
    expect(scrubString(`rejected Bearer abc.def-123 for ${JWT} at /alerts`)).toBe(
      `rejected Bearer ${REDACTED} for ${REDACTED} at /alerts`,
    );
    expect(scrubString('nothing secret here')).toBe('nothing secret here');
  });

  it('redact() copies a value with credentials removed at any depth', () => {
    const event = {
      headers: { authorization: `Bearer ${JWT}`, 'content-type': 'application/json' },
      cookies: ['session=abc'],
      requestContext: { authorizer: { jwt: { claims: { sub: 'operator-1' } } } },
    };
    expect(redact(event)).toEqual({
      headers: { authorization: REDACTED, 'content-type': 'application/json' },
      cookies: REDACTED,
      requestContext: { authorizer: { jwt: { claims: { sub: 'operator-1' } } } },
    });
    expect(event.headers.authorization).toBe(`Bearer ${JWT}`);
  });
});

describe('the logger', () => {
  let out: Captured;
  beforeEach(() => {
    out = captureOutput();
  });
  afterEach(() => out.restore());

  it('never prints an Authorization header, a cookie or a token', () => {
    logger.info('request', {
      event: {
        headers: { Authorization: `Bearer ${JWT}`, Host: 'api.example' },
        cookies: ['session=s3cr3t'],
      },
    });
    logger.error(`token ${JWT} was rejected`);

    const [info, error] = out.logs();
    expect(info).toMatchObject({
      event: { headers: { Authorization: REDACTED, Host: 'api.example' }, cookies: REDACTED },
    });
    expect(error?.message).toBe(`token ${REDACTED} was rejected`);
    expect(out.raw()).not.toContain(JWT);
    expect(out.raw()).not.toContain('s3cr3t');
  });

  it('still prints errors (the replacer must not swallow them)', () => {
    logger.error('failed', new Error(`boom with Bearer ${JWT}`));

    const [line] = out.logs();
    expect(line?.error).toMatchObject({ name: 'Error', message: `boom with Bearer ${REDACTED}` });
  });
});
