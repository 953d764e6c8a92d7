import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { UnreadItemsError } from '../../domain/errors';
import type { AlertTable } from './alert-table';
import { backoffDelay } from './backoff';
import type { Item } from './item-fields';

/** BatchGetItem's own limit per request. */
const BATCH_GET_LIMIT = 100;

/**
 * The full rows of the alerts `ids` names, in that order; an id with no row is left out. StatusIndex
 * projects only what its queries filter on (docs/scale.md: a merge then writes the table alone, not the
 * index), so a listing reads the rows themselves. Keys DynamoDB leaves unprocessed are asked again with
 * backoff, as batchPutAll does for writes.
 */
export const alertRows = async (
  table: Pick<AlertTable, 'doc' | 'tableName' | 'retry'>,
  ids: readonly string[],
): Promise<Item[]> => {
  const unique = [...new Set(ids)];
  const found = new Map<string, Item>();
  for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
    let keys: Record<string, unknown>[] = unique
      .slice(i, i + BATCH_GET_LIMIT)
      .map((alertId) => ({ alertId }));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt >= table.retry.maxAttempts) {
        throw new UnreadItemsError(table.tableName, keys, table.retry.maxAttempts);
      }
      if (attempt > 0) await table.retry.sleep(backoffDelay(table.retry, attempt - 1));
      const out = await table.doc.send(
        new BatchGetCommand({ RequestItems: { [table.tableName]: { Keys: keys } } }),
      );
      for (const item of out.Responses?.[table.tableName] ?? []) found.set(String(item.alertId), item);
      keys = out.UnprocessedKeys?.[table.tableName]?.Keys ?? [];
    }
  }
  return ids.flatMap((id) => {
    const item = found.get(id);
    return item ? [item] : [];
  });
};
