import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UnwrittenItemsError } from '../../domain/errors';
import { backoffDelay, type RetryPolicy } from './backoff';
import type { Item } from './item-fields';

/** BatchWriteItem's own limit per request. */
export const BATCH_WRITE_LIMIT = 25;

export interface BatchPutOptions {
  retry: RetryPolicy;
  /** Chunks in flight at once. */
  concurrency: number;
  /** The key attributes, to name unwritten items in the error. */
  keyNames: readonly string[];
}

const chunk = <T>(items: readonly T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
};

/** Runs `work` over `inputs` with at most `concurrency` in flight; results in input order. */
const mapWithConcurrency = async <T, R>(
  inputs: readonly T[],
  concurrency: number,
  work: (input: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array(inputs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < inputs.length) {
      const index = next++;
      results[index] = await work(inputs[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, worker));
  return results;
};

/** Writes one chunk, resubmitting what DynamoDB left unprocessed; returns what is still unwritten. */
const putChunk = async (
  doc: DynamoDBDocumentClient,
  tableName: string,
  items: Item[],
  retry: RetryPolicy,
): Promise<Item[]> => {
  let pending = items;
  for (let attempt = 0; attempt < retry.maxAttempts && pending.length > 0; attempt++) {
    if (attempt > 0) await retry.sleep(backoffDelay(retry, attempt - 1));
    const out = await doc.send(
      new BatchWriteCommand({
        RequestItems: { [tableName]: pending.map((item) => ({ PutRequest: { Item: item } })) },
      }),
    );
    pending = (out.UnprocessedItems?.[tableName] ?? []).flatMap((request) =>
      request.PutRequest?.Item ? [request.PutRequest.Item] : [],
    );
  }
  return pending;
};

/**
 * Puts every item with BatchWriteItem, 25 per request and a few requests at once. Unprocessed items
 * (throttling, partition limits) are retried with backoff; those still unwritten after the last attempt
 * are named in an UnwrittenItemsError, after the other chunks have had their chance.
 */
export const batchPutAll = async (
  doc: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Item[],
  options: BatchPutOptions,
): Promise<void> => {
  const unwritten = (
    await mapWithConcurrency(chunk(items, BATCH_WRITE_LIMIT), options.concurrency, (c) =>
      putChunk(doc, tableName, c, options.retry),
    )
  ).flat();
  if (unwritten.length > 0) {
    const keys = unwritten.map((item) => Object.fromEntries(options.keyNames.map((k) => [k, item[k]])));
    throw new UnwrittenItemsError(tableName, keys, options.retry.maxAttempts);
  }
};
