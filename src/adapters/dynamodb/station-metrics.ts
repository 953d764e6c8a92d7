import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Page, StationMetricsQuery, StationMetricsReader } from '../../domain/ports';
import type { Metric } from '../../domain/types';
import { decodeCursor, encodeCursor, invalidCursor } from './cursor';
import { isRecord } from './item-fields';
import { itemToMetric } from './metric-item';
import { ItemStream, queryFetcher, takePage } from './pages';

/**
 * The query a cursor belongs to. DynamoDB refuses a start key outside the key condition, and resuming
 * another station's or range's read would skip or repeat readings, so such a cursor is a 400.
 */
interface StationMetricsCursor {
  v: 1;
  q: { s: string; f: number | null; t: number | null };
  /** Timestamp of the last reading returned. */
  ts: number;
}

const sameQuery = (a: StationMetricsCursor['q'], b: unknown): boolean =>
  isRecord(b) && b.s === a.s && b.f === a.f && b.t === a.t;

const parseStationMetricsCursor = (cursor: string, query: StationMetricsCursor['q']): number => {
  const decoded = decodeCursor(cursor);
  if (!isRecord(decoded) || decoded.v !== 1 || typeof decoded.ts !== 'number' || !Number.isFinite(decoded.ts))
    throw invalidCursor('not a cursor of station metrics');
  if (!sameQuery(query, decoded.q)) throw invalidCursor('the cursor belongs to another station or range');
  return decoded.ts;
};

const keyCondition = (from: number | undefined, to: number | undefined): string => {
  if (from !== undefined && to !== undefined) return 'stationId = :stationId AND #ts BETWEEN :from AND :to';
  if (from !== undefined) return 'stationId = :stationId AND #ts >= :from';
  if (to !== undefined) return 'stationId = :stationId AND #ts <= :to';
  return 'stationId = :stationId';
};

/** The metrics table's "last N readings of a station" access pattern, as pages. */
export class DynamoStationMetrics implements StationMetricsReader {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async page(query: StationMetricsQuery): Promise<Page<Metric>> {
    const { stationId, from, to, limit } = query;
    const q: StationMetricsCursor['q'] = { s: stationId, f: from ?? null, t: to ?? null };
    const after = query.cursor === undefined ? undefined : parseStationMetricsCursor(query.cursor, q);
    const fetch = queryFetcher(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: keyCondition(from, to),
      ...(from === undefined && to === undefined ? {} : { ExpressionAttributeNames: { '#ts': 'timestamp' } }), // `timestamp` is a reserved word.
      ExpressionAttributeValues: {
        ':stationId': stationId,
        ...(from === undefined ? {} : { ':from': from }),
        ...(to === undefined ? {} : { ':to': to }),
      },
      ScanIndexForward: false,
    });
    const startKey = after === undefined ? undefined : { stationId, timestamp: after };
    // One more than the page, so the last page says so (nextCursor null) instead of pointing at nothing.
    const { items, hasMore } = await takePage(new ItemStream(fetch, startKey, limit + 1), limit);
    const metrics = items.map((item) => itemToMetric(this.tableName, item));
    const last = metrics.at(-1);
    const next: StationMetricsCursor | undefined = last && { v: 1, q, ts: last.timestamp };
    return { items: metrics, nextCursor: hasMore && next ? encodeCursor(next) : null };
  }
}
