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
 * `once` on Powertools idempotency with a DynamoDB persistence layer: the first successful run stores
 * its result under the key; later calls return that stored result (as JSON, so `fn` must resolve to a
 * JSON-safe value); a run that throws deletes its in-progress record, so a retry runs again.
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
  const run = makeIdempotent(async (_payload: { key: string }, fn: () => Promise<unknown>) => fn(), {
    persistenceStore,
    config,
    keyPrefix: options.keyPrefix ?? 'ai-ops.once',
    dataIndexArgument: 0,
  });
  return {
    // The cast restores the caller's type: the value is what `fn` resolved to on the first run, or
    // that value read back from the table (JSON round trip).
    once: <T>(key: string, fn: () => Promise<T>): Promise<T> => run({ key }, fn) as Promise<T>,
    registerLambdaContext: (context) => config.registerLambdaContext(context),
  };
};
