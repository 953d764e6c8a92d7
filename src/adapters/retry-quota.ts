import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { StandardRetryStrategy } from '@smithy/core/retry';

/** The SDK's token-based retry strategy (what `retryStrategy` accepts besides the legacy kind). */
export type RetryStrategyV2 = Extract<
  NonNullable<DynamoDBClientConfig['retryStrategy']>,
  { acquireInitialRetryToken: unknown }
>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2['acquireInitialRetryToken']>>;

/**
 * The SDK's retries, each request with a retry quota of its own instead of one per client.
 *
 * A client's standard strategy shares a quota of 500 tokens among its requests: a retry costs 14 (5 if
 * throttled) and only a success gives tokens back, a request ending in a client error (a conditional
 * write already done, `ExecutionAlreadyExists`) none. A stream consumer redoing its idempotent steps
 * after a failure spends it fast: at 20% of requests failing the dispatcher's quota ran out and every
 * fault then failed its step at the first attempt (10 attempts configured, 1 made), its batch was
 * retried, which spent more, until the mapping dead-lettered it (issue 12). The quota protects a
 * service from many callers' retry storms; the dispatcher makes one request at a time per shard with
 * backoff, so its retries are bounded by the attempts per request instead.
 */
export const retriesWithoutSharedQuota = (strategyFor: () => RetryStrategyV2): RetryStrategyV2 => {
  const owners = new WeakMap<RetryToken, RetryStrategyV2>();
  const ownerOf = (token: RetryToken): RetryStrategyV2 => {
    const owner = owners.get(token);
    if (!owner) throw new Error('a retry token this strategy did not issue');
    return owner;
  };
  return {
    acquireInitialRetryToken: async (scope) => {
      const owner = strategyFor();
      const token = await owner.acquireInitialRetryToken(scope);
      owners.set(token, owner);
      return token;
    },
    refreshRetryTokenForRetry: async (token, errorInfo) => {
      const owner = ownerOf(token);
      const next = await owner.refreshRetryTokenForRetry(token, errorInfo);
      owners.set(next, owner);
      return next;
    },
    recordSuccess: (token) => ownerOf(token).recordSuccess(token),
  };
};

/** The SDK's standard retries with `maxAttempts` per request and no quota shared between requests. */
export const standardRetriesPerRequest = (maxAttempts: number): RetryStrategyV2 =>
  retriesWithoutSharedQuota(() => new StandardRetryStrategy(maxAttempts));
