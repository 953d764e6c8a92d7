import { describe, expect, it } from 'vitest';
import { replyOf } from '../../../src/local/http-api/result';

const text = (reply: ReturnType<typeof replyOf>) => reply.body.toString('utf8');

describe('replyOf', () => {
  it('maps a structured result to its status, headers, cookies and body', () => {
    const reply = replyOf({
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', 'X-Count': 3, 'X-Flag': true },
      cookies: ['a=1; Path=/', 'b=2'],
      body: '{"ok":true}',
    });
    expect(reply.statusCode).toBe(201);
    expect(reply.headers).toEqual({ 'content-type': 'application/json', 'x-count': '3', 'x-flag': 'true' });
    expect(reply.cookies).toEqual(['a=1; Path=/', 'b=2']);
    expect(text(reply)).toBe('{"ok":true}');
  });

  it('decodes a base64 body', () => {
    const bytes = Buffer.from([1, 2, 250]);
    const reply = replyOf({ statusCode: 200, body: bytes.toString('base64'), isBase64Encoded: true });
    expect(reply.body.equals(bytes)).toBe(true);
  });

  it('answers 200 application/json for an object without statusCode, with its JSON as the body', () => {
    const reply = replyOf({ items: [1], at: new Date(0) });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(JSON.parse(text(reply))).toEqual({ items: [1], at: '1970-01-01T00:00:00.000Z' });
  });

  it('answers a plain string as the body itself', () => {
    const reply = replyOf('Hello from Lambda!');
    expect([reply.statusCode, text(reply)]).toEqual([200, 'Hello from Lambda!']);
  });

  it('answers 500 for a malformed structured result', () => {
    for (const bad of [{ statusCode: '200' }, { statusCode: 200, body: { a: 1 } }, { statusCode: 99 }]) {
      const reply = replyOf(bad);
      expect([reply.statusCode, JSON.parse(text(reply))]).toEqual([
        500,
        { message: 'Internal Server Error' },
      ]);
    }
  });

  it('sends an empty body for a structured result without one', () => {
    const reply = replyOf({ statusCode: 204 });
    expect([reply.statusCode, reply.body.length]).toEqual([204, 0]);
  });
});
