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
/** Past the in-progress expiry, so the conditional put that reclaims the record surely passes. */
const EXPIRY_MARGIN_MS = 50;
/** Kept for the work itself after waiting, of the invocation's remaining time. */
const RESERVE_MS = 5_000;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const isNamed = (error: unknown, name: string): boolean => error instanceof Error && error.name === name;

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

  const once = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    try {
      // The cast restores the caller's type: the value is what `fn` resolved to on the first run, or
      // that value read back from the table (JSON round trip).
      return (await run({ key }, fn)) as T;
    } catch (error) {
      if (!isNamed(error, 'IdempotencyAlreadyInProgressError')) throw error;
      const ms = await waitFor(key);
      if (ms === undefined) throw error;
      await sleep(ms);
      return (await run({ key }, fn)) as T;
    }
  };

  return {
    once,
    registerLambdaContext: (context) => {
      config.registerLambdaContext(context);
      remainingTimeInMillis = () => context.getRemainingTimeInMillis();
    },
  };
};
