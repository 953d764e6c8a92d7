import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/domain/errors';
import {
  MAX_FUTURE_SKEW_MS,
  parseMetric,
  parseMetricBatch,
  parseStoredMetric,
} from '../../../src/domain/metric-schema';

const NOW = 1_760_000_000_000;
const valid = {
  stationId: 'STATION_001',
  timestamp: NOW,
  swapRate: 12,
  demandSurge: false,
  chargerUptime: 99.5,
  chargerHealth: 'healthy',
  chargedBatteries: 14,
  unchargedBatteries: 6,
  errorLogs: [],
  faultPatterns: [],
};

const issuesOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a ValidationError');
};

describe('metric input schema', () => {
  it('accepts a valid metric and returns it unchanged', () => {
    expect(parseMetric(valid, NOW)).toEqual(valid);
  });

  it.each([
    ['stationId', ''],
    ['stationId', '   '],
    ['stationId', 42],
    ['timestamp', 1.5],
    ['timestamp', '1760000000000'],
    ['timestamp', NOW + MAX_FUTURE_SKEW_MS + 1],
    ['swapRate', -0.1],
    ['demandSurge', 'yes'],
    ['chargerUptime', -1],
    ['chargerUptime', 100.01],
    ['chargerHealth', 'broken'],
    ['chargedBatteries', -1],
    ['chargedBatteries', 2.5],
    ['unchargedBatteries', -3],
    ['errorLogs', 'E1'],
    ['errorLogs', [1]],
    ['faultPatterns', null],
  ])('rejects %s = %j naming that field', (field, value) => {
    const issues = issuesOf(() => parseMetric({ ...valid, [field]: value }, NOW));
    expect(issues.map((i) => i.path.split('.')[0])).toEqual([field]);
  });

  it('accepts a timestamp exactly 5 minutes in the future and the edges of each range', () => {
    expect(() =>
      parseMetric(
        {
          ...valid,
          timestamp: NOW + MAX_FUTURE_SKEW_MS,
          chargerUptime: 100,
          swapRate: 0,
          chargedBatteries: 0,
        },
        NOW,
      ),
    ).not.toThrow();
  });

  it('names a missing field and an unknown one', () => {
    const { chargerHealth: _, ...withoutHealth } = valid;
    expect(issuesOf(() => parseMetric(withoutHealth, NOW)).map((i) => i.path)).toEqual(['chargerHealth']);
    expect(issuesOf(() => parseMetric({ ...valid, colour: 'red' }, NOW))[0]?.message).toMatch(/colour/);
  });
});

describe('metric batches', () => {
  it('reports every wrong field of every item with its index, all or nothing', () => {
    const issues = issuesOf(() =>
      parseMetricBatch(
        [valid, { ...valid, chargerUptime: 120 }, { ...valid, swapRate: -1, stationId: '' }],
        NOW,
      ),
    );
    expect(issues.map(({ index, path }) => ({ index, path }))).toEqual([
      { index: 1, path: 'chargerUptime' },
      { index: 2, path: 'stationId' },
      { index: 2, path: 'swapRate' },
    ]);
  });

  it('accepts one object or an array of up to 500', () => {
    expect(parseMetricBatch(valid, NOW)).toHaveLength(1);
    expect(
      parseMetricBatch(
        Array.from({ length: 500 }, (_, i) => ({ ...valid, timestamp: NOW - i })),
        NOW,
      ),
    ).toHaveLength(500);
  });

  it('rejects an empty array and more than 500 items', () => {
    expect(issuesOf(() => parseMetricBatch([], NOW))[0]?.message).toMatch(/empty/);
    expect(() =>
      parseMetricBatch(
        Array.from({ length: 501 }, () => valid),
        NOW,
      ),
    ).toThrow(/at most 500/);
  });

  it('reads a stored metric with its ttl, whatever its timestamp', () => {
    const stored = { ...valid, timestamp: Number.MAX_SAFE_INTEGER - 1, ttl: 123 };
    expect(parseStoredMetric(stored)).toEqual(stored);
    expect(() => parseStoredMetric({ ...valid, chargerHealth: 'x' })).toThrow(ValidationError);
  });
});
