import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/domain/errors';
import {
  MAX_LIST_ENTRIES,
  MAX_LIST_ENTRY_LENGTH,
  MAX_READING_BYTES,
  MAX_STATION_ID_LENGTH,
  parseMetric,
  parseMetricBatch,
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

/** What DynamoDB or the SDK would refuse (a 500 after a partial write, before the bounds existed). */
describe('metric bounds: what DynamoDB would refuse is a named field', () => {
  it.each([
    ['swapRate', 1e16],
    ['swapRate', Number.MAX_SAFE_INTEGER + 2],
    ['swapRate', 1e-200],
    ['swapRate', 5e-324],
    ['chargerUptime', 1e-131],
    ['chargedBatteries', 2 ** 53],
    ['unchargedBatteries', 1e20],
    ['timestamp', 1e300],
    ['stationId', 'S'.repeat(MAX_STATION_ID_LENGTH + 1)],
    ['stationId', 'S'.repeat(3000)],
    ['stationId', 'station 7'],
    ['stationId', '-leading-dash'],
    ['stationId', 'a/b'],
    ['stationId', 'ST\u00e9'],
    ['errorLogs', Array.from({ length: MAX_LIST_ENTRIES + 1 }, () => 'E')],
    ['errorLogs', ['x'.repeat(MAX_LIST_ENTRY_LENGTH + 1)]],
    ['faultPatterns', Array.from({ length: 100_000 }, () => 'F')],
    ['faultPatterns', ['x'.repeat(1024 * 1024)]],
  ])('rejects %s = (a %s) naming that field and no other', (field, value) => {
    const issues = issuesOf(() => parseMetric({ ...valid, [field]: value }, NOW));
    expect([...new Set(issues.map((i) => i.path.split('.')[0]))]).toEqual([field]);
  });

  it.each([
    ['swapRate', Number.MAX_SAFE_INTEGER],
    ['swapRate', 1e-130],
    ['swapRate', 0],
    ['chargerUptime', 100],
    ['chargedBatteries', Number.MAX_SAFE_INTEGER],
    ['stationId', 'S'.repeat(MAX_STATION_ID_LENGTH)],
    ['stationId', 'eu-west:hub_3.bay-12'],
    ['errorLogs', Array.from({ length: MAX_LIST_ENTRIES }, () => 'x'.repeat(MAX_LIST_ENTRY_LENGTH))],
  ])('accepts the edge %s = (a %s)', (field, value) => {
    expect(parseMetric({ ...valid, [field]: value }, NOW)).toMatchObject({ [field]: value });
  });

  it('refuses a reading whose fields are each in bounds but whose whole is over MAX_READING_BYTES', () => {
    // 4-byte characters: 50 x 256 of them is 51 KB in each list.
    const wide = Array.from({ length: MAX_LIST_ENTRIES }, () =>
      '\u{1F50B}'.repeat(MAX_LIST_ENTRY_LENGTH / 2),
    );
    const reading = { ...valid, errorLogs: wide, faultPatterns: wide };
    expect(Buffer.byteLength(JSON.stringify(reading))).toBeGreaterThan(MAX_READING_BYTES);

    expect(issuesOf(() => parseMetric(reading, NOW))).toEqual([
      { path: '(reading)', message: expect.stringContaining(`at most ${MAX_READING_BYTES}`) },
    ]);
    expect(issuesOf(() => parseMetricBatch([valid, reading], NOW))).toEqual([
      { index: 1, path: '(reading)', message: expect.stringContaining('bytes as JSON') },
    ]);
  });

  it('names the one bad reading at the end of 100 valid ones, and returns none of them', () => {
    const batch = Array.from({ length: 100 }, (_, i) => ({ ...valid, timestamp: NOW - i }));
    batch[99] = { ...valid, stationId: 'S'.repeat(3000) };
    expect(issuesOf(() => parseMetricBatch(batch, NOW))).toEqual([
      { index: 99, path: 'stationId', message: `must be at most ${MAX_STATION_ID_LENGTH} characters` },
    ]);
  });
});
