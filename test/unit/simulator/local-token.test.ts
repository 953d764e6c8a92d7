import { describe, expect, it } from 'vitest';
import { fetchLocalToken, isLoopbackUrl, resolveToken } from '../../../src/local/simulator';

const answering = (status: number, body: string) => {
  const requests: { url: string; body: unknown }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    requests.push({ url: String(input), body: JSON.parse(String(init?.body)) });
    return new Response(body, { status });
  };
  return { requests, fetch };
};

const refusing: typeof globalThis.fetch = async () => {
  throw new Error('no request should be sent');
};

describe('isLoopbackUrl', () => {
  it.each([
    ['http://localhost:3000', true],
    ['http://127.0.0.1:41234/', true],
    ['http://127.8.9.10', true],
    ['http://[::1]:3000', true],
    ['https://abc123.execute-api.eu-west-1.amazonaws.com', false],
    ['http://localhost.evil.example', false],
    ['http://128.0.0.1', false],
    ['not a url', false],
  ])('%s -> %s', (url, expected) => {
    expect(isLoopbackUrl(url)).toBe(expected);
  });
});

describe('resolveToken', () => {
  it('uses the given token without asking anyone', async () => {
    await expect(resolveToken('http://localhost:3000', 'given', refusing)).resolves.toBe('given');
  });

  it('asks the local runtime for a metrics/write token when the URL is loopback', async () => {
    const { requests, fetch } = answering(200, '{"access_token":"minted","token_type":"Bearer"}');
    await expect(resolveToken('http://127.0.0.1:3000/', undefined, fetch)).resolves.toBe('minted');
    expect(requests).toEqual([
      { url: 'http://127.0.0.1:3000/local/token', body: { sub: 'simulator', scopes: ['metrics/write'] } },
    ]);
  });

  it('refuses a remote API without a token before sending anything', async () => {
    await expect(resolveToken('https://api.example.test', undefined, refusing)).rejects.toThrow(
      'a token is needed for https://api.example.test: pass --token or set AIOPS_TOKEN',
    );
  });
});

describe('fetchLocalToken', () => {
  it('says what the runtime answered when it refuses', async () => {
    const { fetch } = answering(404, 'Not Found');
    await expect(fetchLocalToken('http://localhost:3000', fetch)).rejects.toThrow(
      /http:\/\/localhost:3000\/local\/token: 404 .*Not Found/,
    );
  });

  it('refuses an answer without an access_token', async () => {
    const { fetch } = answering(200, '{"token":"x"}');
    await expect(fetchLocalToken('http://localhost:3000', fetch)).rejects.toThrow(/without an access_token/);
  });
});
