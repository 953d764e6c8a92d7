import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Item } from './item-fields';

type Key = Record<string, unknown>;

/** One request of a paged read: up to `limit` items evaluated from `startKey` on. */
export type FetchPage = (
  startKey: Key | undefined,
  limit: number,
) => Promise<{ items: Item[]; lastKey: Key | undefined }>;

export const queryFetcher =
  (doc: DynamoDBDocumentClient, input: QueryCommandInput): FetchPage =>
  async (startKey, limit) => {
    const out = await doc.send(new QueryCommand({ ...input, Limit: limit, ExclusiveStartKey: startKey }));
    return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
  };

export const scanFetcher =
  (doc: DynamoDBDocumentClient, input: ScanCommandInput): FetchPage =>
  async (startKey, limit) => {
    const out = await doc.send(new ScanCommand({ ...input, Limit: limit, ExclusiveStartKey: startKey }));
    return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
  };

/** Every item of a query, following LastEvaluatedKey across pages (1 MB each at most). */
export const queryAll = async (doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> => {
  const items: Item[] = [];
  let startKey: Key | undefined;
  do {
    const out = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
};

/**
 * A paged read consumed one item at a time. A filter can make a page short or empty, so `peek` keeps
 * fetching until it has an item or the read is exhausted.
 */
export class ItemStream {
  private readonly buffer: Item[] = [];
  private nextKey: Key | undefined;
  private exhausted = false;

  constructor(
    private readonly fetchPage: FetchPage,
    startKey: Key | undefined,
    private readonly pageSize: number,
  ) {
    this.nextKey = startKey;
  }

  /** The next item without consuming it; undefined once the read has no more. */
  async peek(): Promise<Item | undefined> {
    while (this.buffer.length === 0 && !this.exhausted) {
      const page = await this.fetchPage(this.nextKey, this.pageSize);
      this.buffer.push(...page.items);
      this.nextKey = page.lastKey;
      if (!page.lastKey) this.exhausted = true;
    }
    return this.buffer[0];
  }

  /** Consumes the item `peek` returned. */
  take(): Item | undefined {
    return this.buffer.shift();
  }
}

/**
 * Up to `limit` items, and whether more exist. Looking one item ahead means the last page says so
 * (nextCursor null) instead of handing out a cursor to an empty page.
 */
export const takePage = async (
  stream: ItemStream,
  limit: number,
): Promise<{ items: Item[]; hasMore: boolean }> => {
  const items: Item[] = [];
  while (items.length < limit) {
    if (!(await stream.peek())) break;
    const item = stream.take();
    if (item) items.push(item);
  }
  return { items, hasMore: (await stream.peek()) !== undefined };
};
