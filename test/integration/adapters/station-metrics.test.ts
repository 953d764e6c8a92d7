import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoMetricStore } from '../../../src/adapters/dynamodb/metric-store';
import { DynamoStationMetrics } from '../../../src/adapters/dynamodb/station-metrics';
import { ValidationError } from '../../../src/domain/errors';
import type { Metric } from '../../../src/domain/types';
import { stationMetrics } from '../../../src/use-cases/query-station-metrics';
import { createTestTables, type TestTables } from '../../support/tables';
import { metricAt } from './fixtures';

const T0 = 1_700_000_000_000;
const MINUTE = 60_000;

let t: TestTables;
let deps: { metrics: DynamoStationMetrics };
beforeAll(async () => {
  t = await createTestTables();
  deps = { metrics: new DynamoStationMetrics(t.doc, t.names.metrics) };
  const series = (stationId: string, count: number): Metric[] =>
    Array.from({ length: count }, (_, i) => metricAt(stationId, T0 + i * MINUTE, { swapRate: i }));
  await new DynamoMetricStore({ doc: t.doc, tableName: t.names.metrics }).putMany([
    ...series('st-a', 7),
    ...series('st-b', 2),
  ]);
});

const timestamps = (items: Metric[]) => items.map((m) => (m.timestamp - T0) / MINUTE);

describe('GET /stations/{stationId}/metrics against DynamoDB Local', () => {
  it('pages one station newest first, within [from, to], until the cursor runs out', async () => {
    const query = { from: String(T0 + MINUTE), to: new Date(T0 + 5 * MINUTE).toISOString(), limit: '2' };
    const seen: number[][] = [];
    let cursor: string | undefined;
    do {
      const page = await stationMetrics('st-a', { ...query, ...(cursor ? { cursor } : {}) }, deps);
      seen.push(timestamps(page.items));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([[5, 4], [3, 2], [1]]);
    const all = await stationMetrics('st-a', {}, deps);
    expect(timestamps(all.items)).toEqual([6, 5, 4, 3, 2, 1, 0]);
    expect(all.nextCursor).toBeNull();
    expect((await stationMetrics('st-unknown', {}, deps)).items).toEqual([]);
  });

  it('answers 400 naming the field for a bad limit, from after to, a malformed or foreign cursor', async () => {
    const fieldOf = async (stationId: string, query: Record<string, string>) => {
      const error = await stationMetrics(stationId, query, deps).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).issues.map((i) => i.path);
    };
    expect(await fieldOf('st-a', { limit: '0' })).toEqual(['limit']);
    expect(await fieldOf('st-a', { limit: '501' })).toEqual(['limit']);
    expect(await fieldOf('st-a', { limit: 'ten' })).toEqual(['limit']);
    expect(await fieldOf('st-a', { from: String(T0 + 1), to: String(T0) })).toEqual(['from']);
    expect(await fieldOf('st-a', { from: 'yesterday' })).toEqual(['from']);
    expect(await fieldOf('st-a', { cursor: 'not a cursor!' })).toEqual(['cursor']);
    const { nextCursor } = await stationMetrics('st-b', { limit: '1' }, deps);
    expect(nextCursor).toEqual(expect.any(String));
    expect(await fieldOf('st-a', { limit: '1', cursor: String(nextCursor) })).toEqual(['cursor']);
  });
});
