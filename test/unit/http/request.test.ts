import { describe, expect, it } from 'vitest';
import { AlertNotFoundError, AlertNotPendingError, ValidationError } from '../../../src/domain/errors';
import { UnauthorizedError } from '../../../src/http/errors';
import { callerOf, type HttpApiEvent, jsonBody } from '../../../src/http/request';
import { errorResponse } from '../../../src/http/response';
import { httpApiEvent } from '../../support/http-api-event';

const event = (overrides: Partial<HttpApiEvent> & { claims?: Record<string, string> }): HttpApiEvent =>
  httpApiEvent({ claims: { sub: 'ops-1' }, scopes: [], ...overrides });

describe('jsonBody', () => {
  it('parses JSON, also base64-encoded and with a charset', () => {
    expect(jsonBody(event({ body: '{"a":1}' }))).toEqual({ a: 1 });
    expect(
      jsonBody(
        event({
          body: Buffer.from('[1]').toString('base64'),
          isBase64Encoded: true,
          headers: { 'Content-Type': 'application/json; charset=utf-8' },
        }),
      ),
    ).toEqual([1]);
  });

  it.each([
    ['a wrong content type', { headers: { 'content-type': 'text/plain' }, body: '{}' }, /content type/],
    ['no content type', { headers: {}, body: '{}' }, /content type/],
    ['an empty body', { body: '  ' }, /empty/],
    ['malformed JSON', { body: '{"a":' }, /malformed JSON/],
  ])('rejects %s with a 400 that says so', (_name, overrides, message) => {
    const call = () => jsonBody(event(overrides as Partial<HttpApiEvent>));
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(message);
    try {
      call();
    } catch (error) {
      expect(errorResponse(error).statusCode).toBe(400);
    }
  });
});

describe('callerOf', () => {
  it('is the token subject', () => {
    expect(callerOf(event({ claims: { sub: 'alice' } }))).toBe('alice');
  });
  it('refuses a request without one', () => {
    expect(() => callerOf(event({ claims: {} }))).toThrow(UnauthorizedError);
  });
});

describe('errorResponse', () => {
  it('maps each domain error to its one status', () => {
    expect(errorResponse(new AlertNotFoundError('a1')).statusCode).toBe(404);
    const conflict = errorResponse(new AlertNotPendingError('a1', 'APPROVED'));
    expect(conflict.statusCode).toBe(409);
    expect(JSON.parse(String(conflict.body))).toMatchObject({ currentStatus: 'APPROVED' });
    expect(errorResponse(new UnauthorizedError()).statusCode).toBe(401);
    const internal = errorResponse(new Error('secret table name'));
    expect(internal.statusCode).toBe(500);
    expect(String(internal.body)).not.toContain('secret');
  });
});
