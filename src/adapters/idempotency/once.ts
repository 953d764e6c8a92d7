import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import type { Once } from '../../domain/ports';

export interface OnceOptions {
  /** The idempotency table: key attribute `id`, TTL attribute `expiration` (infra/tables.yml). */
  tableName: string;
  client: DynamoDBClient;
  /**
   * How long a completed key is remembered. Longer than the stream's 24 h retention, so no replay of
   * the stream can repeat the side effect.
   */
  expiresAfterSeconds?: number;
  /** Namespaces the keys; fixed (not the function name) so a renamed function keeps its records. */
  keyPrefix?: string;
  /** Waits (the invocation's own time) for an abandoned in-progress record; a test shortens it. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * How long a claim (the in-progress record) holds its key at most, when that is shorter than the
   * invocation's remaining time. For work bounded far below the function's timeout (one publish): a
   * claim its writer could not release then blocks the key for seconds, which a stream retry can wait
   * out, instead of until the invocation's deadline (docs/architecture.md). Unset: the deadline.
   */
  claimExpiresAfterMs?: number;
}

export interface IdempotentOnce {
  once: Once;
  /**
   * Call at the start of each invocation: an attempt cut short by a Lambda timeout then holds its key
   * only until the invocation's deadline instead of until `expiresAfterSeconds`, so the retry can run.
   */
  registerLambdaContext(context: Context): void;
}

const SEVEN_DAYS_SECONDS = 7 * 24 * 60 * 60;
/**
 * The claim of one notification's publish: one SNS request with the SDK's 3 attempts takes well under
 * this, and a stream retry that finds the claim abandoned waits it out within its own invocation.
 */
export const PUBLISH_CLAIM_EXPIRES_AFTER_MS = 10_000;
/** Past the in-progress expiry, so the conditional put that reclaims the record surely passes. */
const EXPIRY_MARGIN_MS = 50;
/** Kept for the work itself after waiting, of the invocation's remaining time. */
const RESERVE_MS = 5_000;
/**
 * Calls of the store (each with the client's own retries) to release a claim or record a success that
 * Powertools failed to: the SDK's retry quota can be spent when many requests fail at once, and a
 * claim left behind blocks the key until it expires.
 */
const STORE_CALLS = 3;
const STORE_CALL_PAUSE_MS = 100;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const isNamed = (error: unknown, name: string): boolean => error instanceof Error && error.name === name;

/** What the work did in the current run: Powertools' error after it does not say. */
type Settled = { kind: 'resolved'; value: unknown } | { kind: 'rejected'; error: unknown } | undefined;

/**
 * `once` on Powertools idempotency with a DynamoDB persistence layer: the first successful run stores
 * its result under the key; later calls return that stored result (as JSON, so `fn` must resolve to a
 * JSON-safe value); a run that throws deletes its in-progress record, so a retry runs again.
 *
 * An in-progress record can outlive its run: the store failed to record the success (the work was done)
 * or to delete the record after a failure. Powertools then refuses the key until the record's
 * in-progress expiry, the deadline of the invocation that wrote it, and proceeds after it. A stream
 * retry comes within milliseconds, so it would be refused every time and the record dead-lettered.
 * When that expiry falls within this invocation's own time, `once` waits for it and runs again: one
 * invocation per shard at a time (ParallelizationFactor 1, and a timed-out invocation is stopped) means
 * the writer of the record has ended, so this is Powertools' own rule, waited for instead of failed.
 * The work then runs a second time when the lost record was a success: at-least-once, which is why
 * notifications carry a dedupKey (docs/architecture.md).
 */
export const idempotentOnce = (options: OnceOptions): IdempotentOnce => {
  const config = new IdempotencyConfig({
    expiresAfterSeconds: options.expiresAfterSeconds ?? SEVEN_DAYS_SECONDS,
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.client,
    keyAttr: 'id',
    expiryAttr: 'expiration',
  });
  // Only the first argument ({ key }) is hashed into the record id; the work itself is passed alongside.
  const sleep = options.sleep ?? wait;
  const run = makeIdempotent(async (_payload: { key: string }, fn: () => Promise<unknown>) => fn(), {
    persistenceStore,
    config,
    keyPrefix: options.keyPrefix ?? 'ai-ops.once',
    dataIndexArgument: 0,
  });
  let remainingTimeInMillis = (): number => 0;
  // Powertools stores the work's value as it returned it (JSON-safe, as `once` requires of `fn`).
  type StoredResult = Parameters<typeof persistenceStore.saveSuccess>[1];

  /** How long until the abandoned record of `key` may be taken over, if this invocation can wait that long. */
  const waitFor = async (key: string): Promise<number | undefined> => {
    let expiresAt: number | undefined;
    try {
      const record = await persistenceStore.getRecord({ key });
      if (record.getStatus() !== 'INPROGRESS') return 0;
      expiresAt = record.inProgressExpiryTimestamp;
    } catch (error) {
      // Gone (deleted or completed since): run again at once; anything else is the store failing.
      if (isNamed(error, 'IdempotencyItemNotFoundError')) return 0;
      throw error;
    }
    if (expiresAt === undefined) return undefined;
    const ms = Math.max(0, expiresAt - Date.now() + EXPIRY_MARGIN_MS);
    return ms <= remainingTimeInMillis() - RESERVE_MS ? ms : undefined;
  };

  /** A store call Powertools made and failed, made again: true when it passed. */
  const storeAgain = async (call: () => Promise<void>): Promise<boolean> => {
    for (let attempt = 1; attempt <= STORE_CALLS; attempt += 1) {
      try {
        await call();
        return true;
      } catch {
        // The store is still failing: the caller reports Powertools' own error if every call fails.
        if (attempt < STORE_CALLS) await wait(STORE_CALL_PAUSE_MS * attempt);
      }
    }
    return false;
  };

  /**
   * One Powertools run. When the work settled but Powertools could not then record the success or
   * release the claim, that store call is made again, so the claim does not outlive this run: the
   * success is returned, or the work's own error thrown (it is what the audit row should name).
   */
  const runOnce = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    let settled: Settled;
    const work = async (): Promise<T> => {
      try {
        const value = await fn();
        settled = { kind: 'resolved', value };
        return value;
      } catch (error) {
        settled = { kind: 'rejected', error };
        throw error;
      }
    };
    try {
      // The cast restores the caller's type: the value is what `fn` resolved to on the first run, or
      // that value read back from the table (JSON round trip).
      return (await run({ key }, work)) as T;
    } catch (error) {
      // Only a store failure after the work settled leaves this run's claim behind; anything else
      // (the work's own error, a refused claim) is reported as it is.
      const outcome = settled;
      if (!isNamed(error, 'IdempotencyPersistenceLayerError') || outcome === undefined) throw error;
      if (outcome.kind === 'resolved') {
        if (await storeAgain(() => persistenceStore.saveSuccess({ key }, outcome.value as StoredResult))) {
          return outcome.value as T;
        }
        throw error;
      }
      if (await storeAgain(() => persistenceStore.deleteRecord({ key }))) throw outcome.error;
      throw error;
    }
  };

  const once = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await runOnce(key, fn);
    } catch (error) {
      if (!isNamed(error, 'IdempotencyAlreadyInProgressError')) throw error;
      const ms = await waitFor(key);
      if (ms === undefined) throw error;
      await sleep(ms);
      return runOnce(key, fn);
    }
  };

  return {
    once,
    registerLambdaContext: (context) => {
      const claimMs = options.claimExpiresAfterMs;
      // Powertools dates a claim's in-progress expiry by the context's remaining time; a bounded claim
      // reports the shorter of the two. `once` itself still waits by the invocation's real deadline.
      config.registerLambdaContext(
        claimMs === undefined
          ? context
          : {
              ...context,
              getRemainingTimeInMillis: () => Math.min(context.getRemainingTimeInMillis(), claimMs),
            },
      );
      remainingTimeInMillis = () => context.getRemainingTimeInMillis();
    },
  };
};
