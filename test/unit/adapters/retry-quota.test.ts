import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { describe, expect, it } from 'vitest';
import { type RetryStrategyV2, retriesWithoutSharedQuota } from '../../../src/adapters/retry-quota';

const transient = { errorType: 'TRANSIENT' } as const;
const conditionalCheckFailed = { errorType: 'CLIENT_ERROR' } as const;

/**
 * Requests as a stream consumer redoing idempotent steps makes them: each fails `faults` times with a
 * transient error, then ends in a client error (the conditional write was already done), which retries
 * nothing and gives no quota back. Returns how many requests were refused a retry they had attempts for.
 */
const refusedRetries = async (strategy: RetryStrategyV2, requests: number, faults: number) => {
  let refused = 0;
  for (let i = 0; i < requests; i += 1) {
    let token = await strategy.acquireInitialRetryToken('dynamodb');
    try {
      for (let f = 0; f < faults; f += 1) token = await strategy.refreshRetryTokenForRetry(token, transient);
    } catch {
      refused += 1;
      continue;
    }
    await expect(strategy.refreshRetryTokenForRetry(token, conditionalCheckFailed)).rejects.toThrow();
  }
  return refused;
};

describe('retriesWithoutSharedQuota', () => {
  const tenAttempts = () => new ConfiguredRetryStrategy(10, () => 0);

  it("a client's shared quota runs out and then refuses retries the request still had attempts for", async () => {
    // 40 requests x 2 retries x 14 tokens > 500: the premise of the wrapper.
    expect(await refusedRetries(tenAttempts(), 40, 2)).toBeGreaterThan(0);
  });

  it('gives each request its own quota: every request gets the retries its attempts allow', async () => {
    expect(await refusedRetries(retriesWithoutSharedQuota(tenAttempts), 40, 2)).toBe(0);
    // Its attempts still bound it: a tenth failure is not retried.
    expect(await refusedRetries(retriesWithoutSharedQuota(tenAttempts), 1, 10)).toBe(1);
  });

  it("routes a request's success to the strategy that issued its token", async () => {
    const strategy = retriesWithoutSharedQuota(tenAttempts);
    const token = await strategy.acquireInitialRetryToken('sns');
    const retried = await strategy.refreshRetryTokenForRetry(token, transient);
    expect(() => strategy.recordSuccess(retried)).not.toThrow();
    const foreign = await tenAttempts().acquireInitialRetryToken('sns');
    expect(() => strategy.recordSuccess(foreign)).toThrow(/did not issue/);
  });
});
