import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Captured, captureOutput } from './capture';
import { loadObservability } from './load';

// Powertools 2.35 reports a cold start only when Lambda says the environment was started on demand.
vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
const { countDecision, logger, observe, tracer, withCorrelation } = await loadObservability();

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvcGVyYXRvci0xIn0.c2lnbmF0dXJlLXBhcnQ';

const context = (awsRequestId: string): Context => ({
  functionName: 'ai-ops-test-decideAlert',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:ai-ops-test-decideAlert',
  memoryLimitInMB: '512',
  awsRequestId,
  logGroupName: '/aws/lambda/ai-ops-test-decideAlert',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

const httpEvent = (requestId: string) => ({
  rawPath: '/alerts/alert-1/approve',
  headers: { authorization: `Bearer ${JWT}`, 'content-type': 'application/json' },
  requestContext: { requestId, http: { method: 'POST' } },
  pathParameters: { alertId: 'alert-1' },
});

type HttpEvent = ReturnType<typeof httpEvent>;

// What a real handler does: log under the alert's keys and count the decision.
const decide = middy(async (event: HttpEvent) => {
  const alertId = event.pathParameters.alertId;
  await withCorrelation({ alertId }, async () => {
    logger.info('deciding');
    countDecision('Approved');
  });
  logger.info('decided');
  return { statusCode: 200 };
}).use(observe());

let out: Captured;
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => out.restore());

describe('observe()', () => {
  // Runs first on purpose: the cold start is a property of the process, seen once.
  it('on a cold start: Lambda context and request id on each line, ColdStart and the flow metric flushed', async () => {
    const response = await decide(httpEvent('api-req-1'), context('lambda-req-1'));

    expect(response).toEqual({ statusCode: 200 });
    const deciding = out.logs().find((line) => line.message === 'deciding');
    expect(deciding).toMatchObject({
      function_name: 'ai-ops-test-decideAlert',
      function_request_id: 'lambda-req-1',
      cold_start: true,
      requestId: 'api-req-1',
      alertId: 'alert-1',
    });
    const decided = out.logs().find((line) => line.message === 'decided');
    expect(decided).toMatchObject({ requestId: 'api-req-1' });
    expect(decided).not.toHaveProperty('alertId');

    const emf = out.emf();
    const names = emf.flatMap((line) =>
      line._aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => m.Name)),
    );
    expect(names).toEqual(['ColdStart', 'AlertsApproved']);
    expect(emf[0]).toMatchObject({ function_name: 'ai-ops-test-decideAlert', ColdStart: 1 });
    expect(emf[1]).toMatchObject({ service: 'ai-ops', AlertsApproved: 1 });
  });

  it('on a warm start: no ColdStart, and nothing left over from the previous invocation', async () => {
    logger.info('between invocations');
    await decide(httpEvent('api-req-2'), context('lambda-req-2'));

    expect(out.logs()[0]).not.toHaveProperty('requestId');
    const deciding = out.logs().find((line) => line.message === 'deciding');
    expect(deciding).toMatchObject({
      cold_start: false,
      requestId: 'api-req-2',
      function_request_id: 'lambda-req-2',
    });
    const names = out
      .emf()
      .flatMap((line) => line._aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => m.Name)));
    expect(names).toEqual(['AlertsApproved']);
  });

  it('flushes metrics and clears the keys when the handler throws', async () => {
    const failing = middy(async () => {
      countDecision('Rejected');
      throw new Error('store unavailable');
    }).use(observe());

    await expect(failing(httpEvent('api-req-3'), context('lambda-req-3'))).rejects.toThrow(
      'store unavailable',
    );
    logger.info('after failure');

    expect(out.emf().at(-1)).toMatchObject({ AlertsRejected: 1 });
    expect(out.logs().at(-1)).not.toHaveProperty('requestId');
  });

  it('logs the event on request, with the Authorization header redacted', async () => {
    const echo = middy(async () => ({ statusCode: 204 })).use(observe({ logEvent: true }));
    await echo(httpEvent('api-req-4'), context('lambda-req-4'));

    const logged = out.logs().find((line) => line.message === 'Lambda invocation event');
    expect(logged).toMatchObject({
      event: { headers: { authorization: '[REDACTED]', 'content-type': 'application/json' } },
    });
    expect(out.raw()).not.toContain(JWT);
  });

  it('needs no AWS: tracing is off outside Lambda and the handler still runs', async () => {
    expect(tracer.isTracingEnabled()).toBe(false);
    const plain = middy(async () => 'ok').use(observe());
    await expect(plain({}, context('lambda-req-5'))).resolves.toBe('ok');
  });
});
