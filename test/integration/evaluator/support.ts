import { DeleteCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { isAlertItem } from '../../../src/adapters/dynamodb/alert-item';
import { DynamoAlertStore } from '../../../src/adapters/dynamodb/alert-store';
import { DynamoMetricStore } from '../../../src/adapters/dynamodb/metric-store';
import type { Metric } from '../../../src/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../src/rules';
import type { EvaluateDeps } from '../../../src/use-cases/evaluate-metrics';
import { metric } from '../../support/metric-factory';
import { createTestTables, type TestTables } from '../../support/tables';

export const MINUTE = 60_000;
/** Event time of the scenarios: 2025-01-01T12:00:00Z. */
export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
/** A TTL far in the future, so DynamoDB Local never expires a test's metrics. */
export const FAR_TTL = Math.floor(Date.UTC(2100, 0, 1) / 1000);

/** A healthy, well-stocked, quiet reading with its TTL, as the ingest endpoint stores it. */
export const reading = (stationId: string, timestamp: number, overrides: Partial<Metric> = {}): Metric =>
  metric({ stationId, timestamp, ttl: FAR_TTL, ...overrides });

/** One DynamoDB request as the client sent it (input before marshalling for document commands). */
export interface SentRequest {
  operation: string;
  input: Record<string, unknown>;
}

export const WRITE_OPERATIONS = [
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'TransactWriteItems',
  'BatchWriteItem',
] as const;

/** A station id in a request's input, document or wire shape (`"S"` wrapped). */
const stringValue = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'S' in value && typeof value.S === 'string')
    return value.S;
  return undefined;
};

/** The station a Query reads (`:stationId`), if any. */
export const queriedStation = (request: SentRequest): string | undefined => {
  const values = request.input.ExpressionAttributeValues;
  if (typeof values !== 'object' || values === null) return undefined;
  return stringValue((values as Record<string, unknown>)[':stationId']);
};

/** Every request the client sends, by operation, with a hook to make chosen requests fail. */
export const recordRequests = (tables: TestTables) => {
  const sent: SentRequest[] = [];
  let failWith: ((request: SentRequest) => Error | undefined) | undefined;
  let failAfterSending = false;
  // The document client shares the base client's middleware stack, so this sees every request of the
  // stores. At `initialize` the input is still the document shape and the SDK has not retried anything.
  tables.client.middlewareStack.add(
    (next, context) => async (args) => {
      const request: SentRequest = {
        operation: String(context.commandName ?? 'unknown').replace(/Command$/, ''),
        input: args.input as Record<string, unknown>,
      };
      sent.push(request);
      if (failAfterSending) {
        // DynamoDB applied the request, but the caller sees an error (a timeout, a lost response).
        const output = await next(args);
        const error = failWith?.(request);
        if (error) throw error;
        return output;
      }
      const error = failWith?.(request);
      if (error) throw error;
      return next(args);
    },
    { step: 'initialize', name: 'testRequestRecorder' },
  );
  return {
    sent,
    reset: () => {
      sent.length = 0;
    },
    count: (operation: string): number => sent.filter((r) => r.operation === operation).length,
    writes: (): SentRequest[] =>
      sent.filter((r) => (WRITE_OPERATIONS as readonly string[]).includes(r.operation)),
    /** The station of every Query, in order. */
    queriedStations: (): (string | undefined)[] =>
      sent.filter((r) => r.operation === 'Query').map(queriedStation),
    /** Makes the requests `predicate` returns an error for fail, before they are sent or after. */
    failWhen: (
      predicate: ((request: SentRequest) => Error | undefined) | undefined,
      options: { afterSending?: boolean } = {},
    ) => {
      failWith = predicate;
      failAfterSending = options.afterSending ?? false;
    },
  };
};

export type RequestRecorder = ReturnType<typeof recordRequests>;

/** A wall clock that moves on by one millisecond at every read, so any write shows in `updatedAt`. */
export const tickingClock = (start = Date.UTC(2026, 0, 1)) => {
  let now = start;
  return { now: () => now++ };
};

export interface EvaluatorFixture {
  tables: TestTables;
  deps: EvaluateDeps;
  requests: RequestRecorder;
  metricStore: DynamoMetricStore;
  /** Writes metrics as stored rows (their own ttl kept). */
  writeMetrics(metrics: readonly Metric[]): Promise<void>;
  /** Applies stream records to the metrics table: INSERT/MODIFY put the NewImage, REMOVE deletes the key. */
  applyToMetricsTable(records: readonly DynamoDBRecord[]): Promise<void>;
  /** Every row of the alerts table (alerts and guard rows), sorted by alertId. */
  scanAlertsTable(): Promise<Record<string, unknown>[]>;
  /** The alert rows only, sorted by alertId. */
  alertRows(): Promise<Record<string, unknown>[]>;
  close(): void;
}

/** Fresh tables and the evaluator's real stores on DynamoDB Local, with DEFAULT_THRESHOLDS. */
export const createEvaluatorFixture = async (): Promise<EvaluatorFixture> => {
  const tables = await createTestTables();
  const requests = recordRequests(tables);
  const metricStore = new DynamoMetricStore({ doc: tables.doc, tableName: tables.names.metrics });
  const deps: EvaluateDeps = {
    metrics: metricStore,
    alerts: new DynamoAlertStore({ doc: tables.doc, tableName: tables.names.alerts }),
    clock: tickingClock(),
    thresholds: DEFAULT_THRESHOLDS,
  };
  const scanAlertsTable = async (): Promise<Record<string, unknown>[]> => {
    const rows: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await tables.doc.send(
        new ScanCommand({
          TableName: tables.names.alerts,
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      rows.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return rows.sort((a, b) => String(a.alertId).localeCompare(String(b.alertId)));
  };
  return {
    tables,
    deps,
    requests,
    metricStore,
    writeMetrics: (metrics) => metricStore.putMany([...metrics]),
    applyToMetricsTable: async (records) => {
      for (const record of records) {
        const image = record.dynamodb?.NewImage;
        const keys = record.dynamodb?.Keys;
        if (record.eventName === 'REMOVE' && keys) {
          await tables.doc.send(
            new DeleteCommand({
              TableName: tables.names.metrics,
              Key: unmarshall(keys as Parameters<typeof unmarshall>[0]),
            }),
          );
        } else if (image) {
          await tables.doc.send(
            new PutCommand({
              TableName: tables.names.metrics,
              Item: unmarshall(image as Parameters<typeof unmarshall>[0]),
            }),
          );
        }
      }
    },
    scanAlertsTable,
    alertRows: async () => (await scanAlertsTable()).filter((row) => isAlertItem(row)),
    close: () => tables.client.destroy(),
  };
};
