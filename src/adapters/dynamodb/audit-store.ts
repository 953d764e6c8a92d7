import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../domain/errors';
import { type AuditStore, type Clock, type Page, systemClock } from '../../domain/ports';
import type { AuditActionType, AuditEvent } from '../../domain/types';
import {
  ALERT_INDEX,
  AUDIT_TABLE_KEY,
  auditToItem,
  itemToAudit,
  TIME_INDEX,
  TIME_INDEX_KEY,
} from './audit-item';
import { decodeCursor, encodeCursor, invalidCursor, type KeyShape, keyOf, parseKey } from './cursor';
import { isRecord } from './item-fields';
import { type FetchPage, ItemStream, queryAll, queryFetcher, scanFetcher, takePage } from './pages';
import { conditionFailure } from './sdk-errors';

export interface DynamoAuditStoreOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** For the TTL of events written without one. */
  clock?: Clock;
  /** Page size when the caller names none. */
  defaultPageSize?: number;
}

const pageLimit = (limit: number | undefined, fallback: number): number => {
  const value = limit ?? fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new ValidationError('limit must be a positive integer', [
      { path: 'limit', message: 'must be a positive integer' },
    ]);
  }
  return value;
};

/** The audit table: one row per step of an alert's life, never overwritten. */
export class DynamoAuditStore implements AuditStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: Clock;
  private readonly defaultPageSize: number;

  constructor(options: DynamoAuditStoreOptions) {
    this.doc = options.doc;
    this.tableName = options.tableName;
    this.clock = options.clock ?? systemClock;
    this.defaultPageSize = options.defaultPageSize ?? 50;
  }

  async append(event: AuditEvent): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: auditToItem(event, this.clock.now()),
          ConditionExpression: 'attribute_not_exists(taskId)',
        }),
      );
      return true;
    } catch (error) {
      // A replayed step (same deterministic taskId): the first record stands.
      if (conditionFailure(error)) return false;
      throw error;
    }
  }

  async trail(alertId: string): Promise<AuditEvent[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: ALERT_INDEX,
      KeyConditionExpression: 'alertId = :alertId',
      ExpressionAttributeValues: { ':alertId': alertId },
      ScanIndexForward: true,
    });
    return items.map((item) => itemToAudit(this.tableName, item));
  }

  async byActionType(
    actionType: AuditActionType,
    fromTs: number,
    toTs: number,
    page: { limit?: number; cursor?: string } = {},
  ): Promise<Page<AuditEvent>> {
    const limit = pageLimit(page.limit, this.defaultPageSize);
    const startKey = page.cursor === undefined ? undefined : parseKeyCursor(page.cursor, TIME_INDEX_KEY);
    if (fromTs > toTs) return { items: [], nextCursor: null };
    // DynamoDB rejects a start key outside the key condition: that is a bad cursor, not a 500.
    if (
      startKey &&
      (startKey.actionType !== actionType ||
        typeof startKey.timestamp !== 'number' ||
        startKey.timestamp < fromTs ||
        startKey.timestamp > toTs)
    ) {
      throw invalidCursor('the cursor belongs to another query');
    }
    const fetch = queryFetcher(this.doc, {
      TableName: this.tableName,
      IndexName: TIME_INDEX,
      KeyConditionExpression: 'actionType = :actionType AND #ts BETWEEN :from AND :to',
      // `timestamp` is a DynamoDB reserved word.
      ExpressionAttributeNames: { '#ts': 'timestamp' },
      ExpressionAttributeValues: { ':actionType': actionType, ':from': fromTs, ':to': toTs },
      ScanIndexForward: true,
    });
    return this.page(fetch, startKey, limit, TIME_INDEX_KEY);
  }

  async scan(page: { limit?: number; cursor?: string } = {}): Promise<Page<AuditEvent>> {
    const limit = pageLimit(page.limit, this.defaultPageSize);
    const startKey = page.cursor === undefined ? undefined : parseKeyCursor(page.cursor, AUDIT_TABLE_KEY);
    return this.page(scanFetcher(this.doc, { TableName: this.tableName }), startKey, limit, AUDIT_TABLE_KEY);
  }

  private async page(
    fetch: FetchPage,
    startKey: Record<string, unknown> | undefined,
    limit: number,
    shape: KeyShape,
  ): Promise<Page<AuditEvent>> {
    const { items, hasMore } = await takePage(new ItemStream(fetch, startKey, limit + 1), limit);
    const last = items.at(-1);
    return {
      items: items.map((item) => itemToAudit(this.tableName, item)),
      // The cursor is the key of the last item returned, so the next page starts right after it.
      nextCursor: hasMore && last ? encodeCursor({ v: 1, k: keyOf(last, shape) }) : null,
    };
  }
}

const parseKeyCursor = (cursor: string, shape: KeyShape): Record<string, string | number> => {
  const decoded = decodeCursor(cursor);
  if (!isRecord(decoded) || decoded.v !== 1) throw invalidCursor('not a cursor of the audit log');
  return parseKey(decoded.k, shape);
};
