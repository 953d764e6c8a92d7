import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, MetricStore } from '../../domain/ports';
import { systemClock } from '../../domain/ports';
import type { Metric } from '../../domain/types';
import { type RetryPolicy, retryPolicy } from './backoff';
import { batchPutAll } from './batch-write';
import type { Item } from './item-fields';
import { itemToMetric, METRIC_KEY_NAMES, metricToItem } from './metric-item';
import { queryAll } from './pages';

export interface DynamoMetricStoreOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** For the TTL of metrics written without one. */
  clock?: Clock;
  /** Retry of unprocessed batch items; tests inject `sleep`. */
  retry?: Partial<RetryPolicy>;
  /** Batch requests in flight at once. */
  concurrency?: number;
}

/** The metrics table: one row per (stationId, timestamp). */
export class DynamoMetricStore implements MetricStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: Clock;
  private readonly retry: RetryPolicy;
  private readonly concurrency: number;

  constructor(options: DynamoMetricStoreOptions) {
    this.doc = options.doc;
    this.tableName = options.tableName;
    this.clock = options.clock ?? systemClock;
    this.retry = retryPolicy(options.retry, { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 2000 });
    this.concurrency = options.concurrency ?? 4;
  }

  async put(metric: Metric): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: metricToItem(metric, this.clock.now()) }),
    );
  }

  async putMany(metrics: Metric[]): Promise<void> {
    const now = this.clock.now();
    // BatchWriteItem rejects a request holding one key twice; the last reading of a key wins, as with put.
    const byKey = new Map<string, Item>();
    for (const metric of metrics)
      byKey.set(`${metric.stationId}\u0000${metric.timestamp}`, metricToItem(metric, now));
    await batchPutAll(this.doc, this.tableName, [...byKey.values()], {
      retry: this.retry,
      concurrency: this.concurrency,
      keyNames: METRIC_KEY_NAMES,
    });
  }

  async latest(stationId: string, limit: number): Promise<Metric[]> {
    if (limit <= 0) return [];
    const metrics: Metric[] = [];
    let startKey: Record<string, unknown> | undefined;
    // A page stops at 1 MB, so a large `limit` can take more than one request.
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'stationId = :stationId',
          ExpressionAttributeValues: { ':stationId': stationId },
          ScanIndexForward: false,
          Limit: limit - metrics.length,
          ExclusiveStartKey: startKey,
        }),
      );
      metrics.push(...(out.Items ?? []).map((item) => itemToMetric(this.tableName, item)));
      startKey = out.LastEvaluatedKey;
    } while (startKey && metrics.length < limit);
    return metrics;
  }

  async range(stationId: string, fromTs: number, toTs: number): Promise<Metric[]> {
    if (fromTs > toTs) return [];
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'stationId = :stationId AND #ts BETWEEN :from AND :to',
      // `timestamp` is a DynamoDB reserved word.
      ExpressionAttributeNames: { '#ts': 'timestamp' },
      ExpressionAttributeValues: { ':stationId': stationId, ':from': fromTs, ':to': toTs },
      ScanIndexForward: true,
    });
    return items.map((item) => itemToMetric(this.tableName, item));
  }
}
