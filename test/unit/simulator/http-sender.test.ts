import { describe, expect, it } from 'vitest';
import type { Metric } from '../../../src/domain/types';
import { createFleet, httpSender, SendError } from '../../../src/local/simulator';
import { START } from './drive';

interface Call {
  url: string;
  init: RequestInit | undefined;
}

/** A fetch that records each call and answers with `respond`. */
const fakeFetch = (respond: () => Response | Promise<Response>) => {
  const calls: Call[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    calls.push({ url: String(input), init });
    return respond();
  };
  return { calls, fetch };
};

const metrics = (): Metric[] => createFleet({ stations: 2, seed: 1, incidents: false }).tick(START);

const rejection = async (promise: Promise<unknown>): Promise<SendError> => {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof SendError)) throw new Error(`expected a SendError, got ${String(error)}`);
  return error;
};

describe('httpSender', () => {
  it('POSTs the readings as JSON to /metrics with the bearer token', async () => {
    const { calls, fetch } = fakeFetch(() => new Response('{"accepted":2}', { status: 202 }));
    const batch = metrics();
    await httpSender({ url: 'https://api.example.test/', token: 'tok', fetch })(batch);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe('https://api.example.test/metrics');
    expect(call?.init?.method).toBe('POST');
    expect(call?.init?.headers).toMatchObject({
      authorization: 'Bearer tok',
      'content-type': 'application/json',
    });
    expect(JSON.parse(String(call?.init?.body))).toEqual(batch);
  });

  it('throws a SendError with the status and body for anything but 202', async () => {
    const { fetch } = fakeFetch(
      () => new Response('{"message":"invalid metrics"}', { status: 400, statusText: 'Bad Request' }),
    );
    const error = await rejection(httpSender({ url: 'http://127.0.0.1:1', token: 't', fetch })(metrics()));
    expect(error.status).toBe(400);
    expect(error.body).toBe('{"message":"invalid metrics"}');
    expect(error.message).toBe(
      'POST http://127.0.0.1:1/metrics answered 400 Bad Request: {"message":"invalid metrics"}',
    );
  });

  it('treats a 200 as a failure too: the ingest API answers 202 when it accepts', async () => {
    const { fetch } = fakeFetch(() => new Response('ok', { status: 200 }));
    const error = await rejection(httpSender({ url: 'http://127.0.0.1:1', token: 't', fetch })(metrics()));
    expect(error.status).toBe(200);
  });

  it('shortens a long error page in the message but keeps it whole in body', async () => {
    const page = 'x'.repeat(5000);
    const { fetch } = fakeFetch(() => new Response(page, { status: 502 }));
    const error = await rejection(httpSender({ url: 'http://127.0.0.1:1', token: 't', fetch })(metrics()));
    expect(error.message.length).toBeLessThan(400);
    expect(error.body).toBe(page);
  });

  it('reports an API that never answers as a SendError without status', async () => {
    const fetch: typeof globalThis.fetch = async () => {
      throw new TypeError('fetch failed');
    };
    const error = await rejection(httpSender({ url: 'http://127.0.0.1:1', token: 't', fetch })(metrics()));
    expect(error.status).toBeUndefined();
    expect(error.message).toBe('POST http://127.0.0.1:1/metrics failed: fetch failed');
  });
});
