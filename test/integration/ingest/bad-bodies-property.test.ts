import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoMetricStore } from '../../../src/adapters/dynamodb/metric-store';
import {
  MAX_BODY_BYTES,
  MAX_LIST_ENTRIES,
  MAX_LIST_ENTRY_LENGTH,
  MAX_STATION_ID_LENGTH,
} from '../../../src/domain/metric-schema';
import type { Metric } from '../../../src/domain/types';
import { ingestMetrics } from '../../../src/use-cases/ingest-metrics';
import { createTestTables, type TestTables } from '../../support/tables';
import {
  bodyOf,
  type IngestHandler,
  lambdaContext,
  loadIngestHandler,
  postMetricsEvent,
  storedRows,
  validMetric,
} from './support';

let tables: TestTables;
let handler: IngestHandler;

/** A thousand requests' logs and metric lines would cost more than the requests: this file does not read them. */
const QUIET = { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' };
const before = Object.fromEntries(Object.keys(QUIET).map((key) => [key, process.env[key]]));

beforeAll(async () => {
  Object.assign(process.env, QUIET);
  tables = await createTestTables();
  handler = await loadIngestHandler(tables);
});

afterAll(() => {
  for (const [key, value] of Object.entries(before))
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  tables.client.destroy();
});

/** Every stored key, as `stationId|timestamp`. */
const storedKeys = async (): Promise<string[]> => {
  const keys: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await tables.doc.send(
      new ScanCommand({
        TableName: tables.names.metrics,
        ProjectionExpression: 'stationId, #ts',
        ExpressionAttributeNames: { '#ts': 'timestamp' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of out.Items ?? []) keys.push(`${item.stationId}|${item.timestamp}`);
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return keys.sort();
};

const FIELDS = [
  'stationId',
  'timestamp',
  'swapRate',
  'demandSurge',
  'chargerUptime',
  'chargerHealth',
  'chargedBatteries',
  'unchargedBatteries',
  'errorLogs',
  'faultPatterns',
] as const;

/** A raw JSON fragment: numbers JSON can carry but DynamoDB or the SDK cannot store, and their edges. */
const edgeNumber = fc.constantFrom(
  '1e16',
  '-1e16',
  '9007199254740993',
  '9007199254740991',
  '1e308',
  '1e400',
  '-1e400',
  '1e-200',
  '5e-324',
  '1e-130',
  '1e-131',
  '0',
  '-0',
  '0.5',
  '100',
  '100.0000001',
  '-1',
);
const json = (value: unknown) => fc.constant(JSON.stringify(value));
const longString = (max: number) => fc.nat({ max }).map((n) => JSON.stringify('s'.repeat(n)));
/** Deep nesting, which no field accepts and a recursive parser could choke on. */
const deep = fc.integer({ min: 1, max: 5000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
const list = (entry: fc.Arbitrary<string>, max: number) =>
  fc.array(entry, { maxLength: max }).map((entries) => `[${entries.join(',')}]`);

/** A replacement for one field's value, as raw JSON. */
const fieldValue = fc.oneof(
  edgeNumber,
  longString(3000),
  fc
    .constantFrom('S'.repeat(MAX_STATION_ID_LENGTH), 'a b', '-x', 'a/b', '', '   ')
    .map((s) => JSON.stringify(s)),
  list(longString(MAX_LIST_ENTRY_LENGTH + 20), MAX_LIST_ENTRIES + 20),
  list(edgeNumber, 3),
  deep,
  json(null),
  json(true),
  json({ nested: { deeper: [1, 2, 3] } }),
  json('healthy'),
);

type Mutation =
  | { kind: 'set'; field: (typeof FIELDS)[number]; raw: string }
  | { kind: 'drop'; field: (typeof FIELDS)[number] }
  | { kind: 'extraKey'; key: string; raw: string }
  | { kind: 'none' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 14,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      field: fc.constantFrom(...FIELDS),
      raw: fieldValue,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('drop' as const), field: fc.constantFrom(...FIELDS) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('extraKey' as const),
      key: fc.constantFrom('__proto__', 'constructor', '', 'ttl', 'stationid', 'x'.repeat(300)),
      raw: fieldValue,
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
);

/** A reading as raw JSON: a valid one with one mutation (or none) applied. */
const readingJson = (stationId: string, timestamp: number, change: Mutation): string => {
  const entries: [string, string][] = Object.entries(validMetric(stationId, { timestamp })).map(
    ([key, value]) => [key, JSON.stringify(value)],
  );
  const raw = new Map(entries);
  if (change.kind === 'set') raw.set(change.field, change.raw);
  if (change.kind === 'drop') raw.delete(change.field);
  if (change.kind === 'extraKey') raw.set(change.key, change.raw);
  return `{${[...raw].map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
};

const body = fc.oneof(
  { weight: 3, arbitrary: fc.record({ shape: fc.constant('one' as const), changes: fc.tuple(mutation) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      shape: fc.constant('array' as const),
      changes: fc.array(mutation, { minLength: 0, maxLength: 5 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ shape: fc.constant('raw' as const), changes: fc.constant([]), raw: fieldValue }),
  },
);

describe('ingest under 1,000 generated bad bodies (handler on DynamoDB Local)', () => {
  it('answers 202 or 400, never 5xx; a 400 writes nothing, a 202 writes exactly its readings', async () => {
    const accepted = new Set<string>();
    const statuses = { 202: 0, 400: 0 };
    let run = 0;
    const now = Date.now();
    await fc.assert(
      fc.asyncProperty(body, async (generated) => {
        run += 1;
        // Every body its own stations, so what a 202 wrote and what a 400 did not are told apart.
        const readings = generated.changes.map((change, i) =>
          readingJson(`P${run}-${i}`, now - 60_000 - i, change),
        );
        const raw =
          generated.shape === 'raw'
            ? generated.raw
            : generated.shape === 'one'
              ? (readings[0] ?? '{}')
              : `[${readings.join(',')}]`;
        const response = await handler(postMetricsEvent(raw), lambdaContext());
        expect([202, 400], `${response.statusCode} ${response.body} for ${raw.slice(0, 300)}`).toContain(
          response.statusCode,
        );
        if (response.statusCode === 202) {
          statuses[202] += 1;
          const sent = JSON.parse(raw) as Metric | Metric[];
          for (const m of Array.isArray(sent) ? sent : [sent]) accepted.add(`${m.stationId}|${m.timestamp}`);
        } else {
          statuses[400] += 1;
          expect(bodyOf(response)).toMatchObject({ error: 'VALIDATION_FAILED', errors: expect.any(Array) });
        }
      }),
      { numRuns: 1000 },
    );
    // Both answers were exercised, and the table holds exactly what the 202s carried.
    expect(statuses[202]).toBeGreaterThan(0);
    expect(statuses[400]).toBeGreaterThan(statuses[202]);
    expect(await storedKeys()).toEqual([...accepted].sort());
  });

  it('refuses a body over MAX_BODY_BYTES before parsing it, writing nothing', async () => {
    const huge = `[${Array.from({ length: 600 }, () => JSON.stringify(validMetric('HUGE', { errorLogs: ['e'.repeat(2000)] }))).join(',')}]`;
    expect(huge.length).toBeGreaterThan(MAX_BODY_BYTES);
    const response = await handler(postMetricsEvent(huge), lambdaContext());
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({ errors: [{ path: '(body)' }] });
    expect(await storedRows(tables, 'HUGE')).toEqual([]);
  });
});

describe('a 5xx mid-body, then the client retries the whole body', () => {
  it('stores each reading exactly once, as sent: a reading is its (stationId, timestamp) key', async () => {
    const now = Date.now();
    const sent = Array.from({ length: 60 }, (_, i) =>
      validMetric(i % 2 === 0 ? 'RETRY-A' : 'RETRY-B', { timestamp: now - 120_000 + i, swapRate: i }),
    );
    const store = new DynamoMetricStore({ doc: tables.doc, tableName: tables.names.metrics });
    // A store that writes the first 30 readings, then fails as DynamoDB does under an outage.
    const failing = Object.create(store) as DynamoMetricStore;
    failing.putMany = async (metrics) => {
      await store.putMany(metrics.slice(0, 30));
      throw Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable', $fault: 'server' });
    };
    await expect(ingestMetrics(sent, { metrics: failing, clock: { now: () => now } })).rejects.toThrow(
      'Service unavailable',
    );
    expect((await storedRows(tables, 'RETRY-A')).length + (await storedRows(tables, 'RETRY-B')).length).toBe(
      30,
    );

    const retry = await handler(postMetricsEvent(JSON.stringify(sent)), lambdaContext());

    expect(retry.statusCode).toBe(202);
    expect(bodyOf(retry)).toEqual({ accepted: 60 });
    const stored = [...(await storedRows(tables, 'RETRY-A')), ...(await storedRows(tables, 'RETRY-B'))];
    expect(
      stored.map(({ ttl: _ttl, ...row }) => row).sort((a, b) => Number(a.timestamp) - Number(b.timestamp)),
    ).toEqual(sent);
  });
});
