import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const DAY_SECONDS = 24 * 60 * 60;

let tables: TestTables;
let handler: IngestHandler;
let stations = 0;
/** A station id no other test writes, so "nothing written" is a query of that station. */
const station = () => `INGEST_${++stations}`;

const post = (body: unknown, options: Parameters<typeof postMetricsEvent>[1] = {}) =>
  handler(postMetricsEvent(typeof body === 'string' ? body : JSON.stringify(body), options), lambdaContext());

const tableSize = async (): Promise<number> => {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await tables.doc.send(
      new ScanCommand({ TableName: tables.names.metrics, Select: 'COUNT', ExclusiveStartKey: startKey }),
    );
    count += out.Count ?? 0;
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return count;
};

beforeAll(async () => {
  tables = await createTestTables();
  handler = await loadIngestHandler(tables);
});

afterAll(() => tables.client.destroy());

describe('POST /metrics (handlers/ingest-metrics) on DynamoDB Local', () => {
  it('accepts one metric: 202 {accepted: 1}, stored as sent with ttl = now + 30 days (epoch seconds)', async () => {
    const id = station();
    const metric = validMetric(id);
    const before = Math.floor(Date.now() / 1000);

    const response = await post(metric);

    const after = Math.floor(Date.now() / 1000);
    expect(response.statusCode).toBe(202);
    expect(response.headers).toMatchObject({ 'content-type': 'application/json' });
    expect(bodyOf(response)).toEqual({ accepted: 1 });
    const rows = await storedRows(tables, id);
    expect(rows).toEqual([{ ...metric, ttl: expect.any(Number) }]);
    const ttl = Number(rows[0]?.ttl);
    expect(ttl).toBeGreaterThanOrEqual(before + 30 * DAY_SECONDS);
    expect(ttl).toBeLessThanOrEqual(after + 30 * DAY_SECONDS);
  });

  it('accepts an array: 202 with the count, every metric stored', async () => {
    const [a, b] = [station(), station()];
    const now = Date.now();
    const metrics = [
      validMetric(a, { timestamp: now - 120_000 }),
      validMetric(b, { timestamp: now - 120_000, chargerHealth: 'degraded' }),
      validMetric(a, { timestamp: now - 60_000, demandSurge: true, faultPatterns: ['F1', 'F2'] }),
    ];

    const response = await post(metrics);

    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ accepted: 3 });
    expect((await storedRows(tables, a)).map(({ ttl: _ttl, ...row }) => row)).toEqual([
      metrics[0],
      metrics[2],
    ]);
    expect((await storedRows(tables, b)).map(({ ttl: _ttl, ...row }) => row)).toEqual([metrics[1]]);
  });

  it('accepts a timestamp up to 5 minutes ahead (clock skew), a charset, a +json type and a base64 body', async () => {
    const id = station();
    const ahead = validMetric(id, { timestamp: Date.now() + 4 * 60_000 });
    expect((await post(ahead)).statusCode).toBe(202);
    const charset = await post(validMetric(id, { timestamp: Date.now() - 1 }), {
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    expect(charset.statusCode).toBe(202);
    const vendor = await post(validMetric(id, { timestamp: Date.now() - 2 }), {
      headers: { 'content-type': 'application/vnd.ai-ops+json' },
    });
    expect(vendor.statusCode).toBe(202);
    const encoded = Buffer.from(JSON.stringify(validMetric(id, { timestamp: Date.now() - 3 }))).toString(
      'base64',
    );
    expect((await post(encoded, { isBase64Encoded: true })).statusCode).toBe(202);
    expect(await storedRows(tables, id)).toHaveLength(4);
  });

  // Each wrong field: [what, the change, the path the error names, what its message says].
  const invalidFields: [string, Record<string, unknown>, string, RegExp][] = [
    ['empty stationId', { stationId: '  ' }, 'stationId', /non-empty/],
    ['non-integer timestamp', { timestamp: 1.5 }, 'timestamp', /integer/],
    ['negative timestamp', { timestamp: -1 }, 'timestamp', /positive/],
    ['timestamp 10 minutes ahead', { timestamp: Date.now() + 10 * 60_000 }, 'timestamp', /future/],
    ['timestamp as an ISO string', { timestamp: '2025-01-01T00:00:00Z' }, 'timestamp', /number/],
    ['negative swapRate', { swapRate: -1 }, 'swapRate', />= 0/],
    ['demandSurge as a string', { demandSurge: 'yes' }, 'demandSurge', /boolean/],
    ['chargerUptime over 100', { chargerUptime: 100.5 }, 'chargerUptime', /between 0 and 100/],
    ['unknown chargerHealth', { chargerHealth: 'broken' }, 'chargerHealth', /healthy|degraded|down/],
    ['fractional chargedBatteries', { chargedBatteries: 2.5 }, 'chargedBatteries', /integer/],
    ['negative unchargedBatteries', { unchargedBatteries: -1 }, 'unchargedBatteries', />= 0/],
    ['errorLogs not an array', { errorLogs: 'overheat' }, 'errorLogs', /array/],
    ['a number in faultPatterns', { faultPatterns: ['F1', 7] }, 'faultPatterns.1', /string/],
    ['an unknown field', { firmware: '1.2.3' }, '(root)', /firmware/],
  ];

  it.each(invalidFields)(
    'rejects %s with 400 naming the field, and writes nothing',
    async (_what, change, path, message) => {
      const id = station();
      const response = await post(validMetric(id, change));

      expect(response.statusCode).toBe(400);
      const body = bodyOf(response) as { error: string; message: string; errors: unknown[] };
      expect(body).toMatchObject({
        error: 'VALIDATION_FAILED',
        message: expect.stringContaining('nothing was written'),
      });
      expect(body.errors).toEqual([{ path, message: expect.stringMatching(message) }]);
      expect(await storedRows(tables, id)).toEqual([]);

      // In an array: the item's index, and its valid neighbours are not written either (all or nothing).
      const neighbour = station();
      const inArray = await post([
        validMetric(neighbour),
        validMetric(id, change),
        validMetric(neighbour, { timestamp: 1 }),
      ]);
      expect(inArray.statusCode).toBe(400);
      expect((bodyOf(inArray) as { errors: unknown[] }).errors).toEqual([
        { index: 1, path, message: expect.stringMatching(message) },
      ]);
      expect(await storedRows(tables, neighbour)).toEqual([]);
      expect(await storedRows(tables, id)).toEqual([]);
    },
  );

  it('rejects a missing field, and lists every wrong field of every item', async () => {
    const id = station();
    const { chargerHealth: _missing, ...incomplete } = validMetric(id);
    const single = await post(incomplete);
    expect(single.statusCode).toBe(400);
    expect((bodyOf(single) as { errors: unknown[] }).errors).toEqual([
      { path: 'chargerHealth', message: expect.any(String) },
    ]);

    const response = await post([
      validMetric(id, { swapRate: -2, demandSurge: 1 }),
      validMetric(id, { stationId: '' }),
    ]);
    expect(
      (bodyOf(response) as { errors: { index: number; path: string }[] }).errors.map((e) => [
        e.index,
        e.path,
      ]),
    ).toEqual([
      [0, 'swapRate'],
      [0, 'demandSurge'],
      [1, 'stationId'],
    ]);
    expect(await storedRows(tables, id)).toEqual([]);
  });

  it('takes 500 metrics in one request and refuses 501, writing none of them', async () => {
    const [ok, tooMany] = [station(), station()];
    const now = Date.now();
    const batch = (id: string, n: number) =>
      Array.from({ length: n }, (_, i) => validMetric(id, { timestamp: now - 1000 - i }));

    const refused = await post(batch(tooMany, 501));
    expect(refused.statusCode).toBe(400);
    expect(bodyOf(refused)).toMatchObject({
      message: expect.stringContaining('too many metrics: 501'),
      errors: [{ path: '(root)', message: expect.stringContaining('500') }],
    });
    expect(await storedRows(tables, tooMany)).toEqual([]);

    const accepted = await post(batch(ok, 500));
    expect(accepted.statusCode).toBe(202);
    expect(bodyOf(accepted)).toEqual({ accepted: 500 });
    expect(await storedRows(tables, ok)).toHaveLength(500);
  });

  it.each([
    ['an empty array', '[]', /empty array/, '(root)'],
    ['malformed JSON', '{"stationId": "S1",', /^malformed JSON/, '(body)'],
    ['an empty body', '', /empty/, '(body)'],
    ['a blank body', '  \n ', /empty/, '(body)'],
    ['a JSON string', '"metrics"', /invalid metric/, '(root)'],
    ['JSON null', 'null', /invalid metric/, '(root)'],
  ])('rejects %s with 400 and writes nothing', async (_what, body, message, path) => {
    const size = await tableSize();
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({
      error: 'VALIDATION_FAILED',
      message: expect.stringMatching(message),
      errors: [expect.objectContaining({ path })],
    });
    expect(await tableSize()).toBe(size);
  });

  it('rejects a missing body and a wrong or missing content type with 400, writing nothing', async () => {
    const id = station();
    const noBody = await handler(postMetricsEvent(undefined), lambdaContext());
    expect(noBody.statusCode).toBe(400);

    const wrongTypes: Record<string, string>[] = [
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/xml' },
      {},
    ];
    for (const headers of wrongTypes) {
      const response = await post(validMetric(id), { headers });
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response)).toMatchObject({
        message: expect.stringContaining('content type must be application/json'),
        errors: [{ path: 'content-type', message: 'must be application/json' }],
      });
    }
    expect(await storedRows(tables, id)).toEqual([]);
  });

  it('accepts the same metric (stationId + timestamp) twice: in one request and in two, one row, the last wins', async () => {
    const id = station();
    const timestamp = Date.now() - 5_000;
    const inOne = await post([
      validMetric(id, { timestamp, chargedBatteries: 9 }),
      validMetric(id, { timestamp, chargedBatteries: 7 }),
    ]);
    expect(inOne.statusCode).toBe(202);
    expect(bodyOf(inOne)).toEqual({ accepted: 2 });
    expect((await storedRows(tables, id)).map((r) => r.chargedBatteries)).toEqual([7]);

    const again = await post(validMetric(id, { timestamp, chargedBatteries: 5 }));
    expect(again.statusCode).toBe(202);
    expect(bodyOf(again)).toEqual({ accepted: 1 });
    expect((await storedRows(tables, id)).map((r) => r.chargedBatteries)).toEqual([5]);
  });
});
