import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { PastDecision } from '../../domain/past-decision';
import type { Metric } from '../../domain/types';
import { alertsOf } from './alert-item';
import { alertRows } from './alert-rows';
import { retryPolicy } from './backoff';
import type { Item } from './item-fields';
import { itemToMetric } from './metric-item';
import { queryAll } from './pages';

/**
 * What a backtest reads, read-only: the stored readings of a period and the decisions operators took on
 * the alerts of that period. Nothing here writes.
 */
export interface HistoryTables {
  doc: DynamoDBDocumentClient;
  metricsTable: string;
  alertsTable: string;
}

export interface ReadingsQuery {
  from: number;
  to: number;
  /** Only these stations (one Query each); absent: every station (a parallel Scan). */
  stations?: readonly string[];
  /** Called after each page with the readings read so far. */
  onProgress?: (read: number) => void;
}

// Scan segments read at once: DynamoDB serves each from its own partition range, so they add up.
const SCAN_SEGMENTS = 4;

type Key = Record<string, unknown>;

/** Follows LastEvaluatedKey from the first page to the last, collecting items and reporting progress per page. */
const readPages = async (
  page: (startKey: Key | undefined) => Promise<{ Items?: Item[]; LastEvaluatedKey?: Key }>,
  sink: Item[],
  progress: () => void,
): Promise<void> => {
  let startKey: Key | undefined;
  do {
    const out = await page(startKey);
    for (const item of out.Items ?? []) sink.push(item);
    startKey = out.LastEvaluatedKey;
    progress();
  } while (startKey);
};

const readStation = (
  tables: HistoryTables,
  stationId: string,
  query: ReadingsQuery,
  sink: Item[],
  progress: () => void,
): Promise<void> =>
  readPages(
    (startKey) =>
      tables.doc.send(
        new QueryCommand({
          TableName: tables.metricsTable,
          KeyConditionExpression: 'stationId = :stationId AND #ts BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#ts': 'timestamp' },
          ExpressionAttributeValues: { ':stationId': stationId, ':from': query.from, ':to': query.to },
          ExclusiveStartKey: startKey,
        }),
      ),
    sink,
    progress,
  );

const scanSegment = (
  tables: HistoryTables,
  segment: number,
  query: ReadingsQuery,
  sink: Item[],
  progress: () => void,
): Promise<void> =>
  readPages(
    (startKey) =>
      tables.doc.send(
        new ScanCommand({
          TableName: tables.metricsTable,
          Segment: segment,
          TotalSegments: SCAN_SEGMENTS,
          FilterExpression: '#ts BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#ts': 'timestamp' },
          ExpressionAttributeValues: { ':from': query.from, ':to': query.to },
          ExclusiveStartKey: startKey,
        }),
      ),
    sink,
    progress,
  );

/**
 * The readings of the period, by station, each ascending by timestamp. Without stations the whole table
 * is scanned (a Scan reads, and is billed for, every reading kept, whatever the period: a filter only
 * drops what is returned); with stations, one Query each reads only the period.
 */
export const readReadings = async (
  tables: HistoryTables,
  query: ReadingsQuery,
): Promise<Map<string, Metric[]>> => {
  const items: Item[] = [];
  const progress = () => query.onProgress?.(items.length);
  if (query.stations && query.stations.length > 0) {
    for (const stationId of query.stations) await readStation(tables, stationId, query, items, progress);
  } else {
    await Promise.all(
      Array.from({ length: SCAN_SEGMENTS }, (_, segment) =>
        scanSegment(tables, segment, query, items, progress),
      ),
    );
  }
  const byStation = new Map<string, Metric[]>();
  for (const item of items) {
    const metric = itemToMetric(tables.metricsTable, item);
    const readings = byStation.get(metric.stationId);
    if (readings) readings.push(metric);
    else byStation.set(metric.stationId, [metric]);
  }
  // A Query returns a station ascending already; a Scan's pages come in no order.
  for (const readings of byStation.values()) readings.sort((a, b) => a.timestamp - b.timestamp);
  return byStation;
};

/** How many readings the metrics table holds (DynamoDB's estimate, refreshed every few hours): for a progress bar. */
export const approximateReadingCount = async (
  client: DynamoDBClient,
  metricsTable: string,
): Promise<number | undefined> => {
  const out = await client.send(new DescribeTableCommand({ TableName: metricsTable }));
  return out.Table?.ItemCount;
};

/**
 * The alerts opened in the period that operators approved or rejected as FALSE_ALARM: two Queries of
 * StatusIndex (status, createdAt), never a Scan of the alerts table, then those rows read whole.
 */
export const readPastDecisions = async (
  tables: HistoryTables,
  query: Pick<ReadingsQuery, 'from' | 'to' | 'stations'>,
): Promise<PastDecision[]> => {
  const byStatus = (status: 'APPROVED' | 'REJECTED') =>
    queryAll(tables.doc, {
      TableName: tables.alertsTable,
      IndexName: 'StatusIndex',
      KeyConditionExpression: '#status = :status AND createdAt BETWEEN :from AND :to',
      ...(status === 'REJECTED' ? { FilterExpression: 'rejectionCode = :code' } : {}),
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': status,
        ':from': query.from,
        ':to': query.to,
        ...(status === 'REJECTED' ? { ':code': 'FALSE_ALARM' } : {}),
      },
    });
  const [approved, rejected] = await Promise.all([byStatus('APPROVED'), byStatus('REJECTED')]);
  const stations = query.stations && query.stations.length > 0 ? new Set(query.stations) : undefined;
  const ids = [...approved, ...rejected]
    .filter((item) => !stations || stations.has(String(item.stationId)))
    .map((item) => String(item.alertId));
  // The index holds what the queries filter on (stationId, rejectionCode), not the alert: read the rows.
  const rows = await alertRows({ doc: tables.doc, tableName: tables.alertsTable, retry: retryPolicy() }, ids);
  return alertsOf(tables.alertsTable, rows).map((alert) => ({
    alertId: alert.alertId,
    stationId: alert.stationId,
    alertType: alert.alertType,
    severity: alert.severity,
    createdAt: alert.createdAt,
    ...(alert.resolvedAt === undefined ? {} : { resolvedAt: alert.resolvedAt }),
    verdict: alert.status === 'APPROVED' ? ('APPROVED' as const) : ('FALSE_ALARM' as const),
  }));
};
