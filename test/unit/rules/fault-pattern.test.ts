import { describe, expect, it } from 'vitest';
import type { Severity } from '../../../src/domain/types';
import { faultPatternRule } from '../../../src/rules/fault-pattern';
import { DEFAULT_THRESHOLDS } from '../../../src/rules/thresholds';
import { latestOf, readings } from '../../support/metric-factory';

const windowOf = (faults: string[][]) => readings(faults.length, (i) => ({ faultPatterns: faults[i] ?? [] }));
const evaluate = (faults: string[][]) => {
  const window = windowOf(faults);
  return faultPatternRule(window, latestOf(window), DEFAULT_THRESHOLDS);
};
const times = (fault: string, count: number, total = 6): string[][] =>
  Array.from({ length: total }, (_, i) => (i < count ? [fault] : []));

describe('faultPatternRule', () => {
  it.each<[string, string[][], Severity | undefined]>([
    ['no faults at all', times('X', 0), undefined],
    ['2 records', times('OVERHEAT', 2), undefined],
    ['3 records', times('OVERHEAT', 3), 'HIGH'],
    ['4 records', times('OVERHEAT', 4), 'HIGH'],
    ['5 records', times('OVERHEAT', 5), 'CRITICAL'],
    ['repeated within 2 records counts twice, not 4 times', [['A', 'A'], ['A', 'A'], [], []], undefined],
    ['different faults, 2 records each', [['A'], ['B'], ['A', 'B'], []], undefined],
    ['empty identifiers are ignored', [[''], [''], [''], ['']], undefined],
    ['window shorter than the threshold', [['A'], ['A']], undefined],
  ])('%s -> %s', (_case, faults, expected) => {
    expect(evaluate(faults)?.severity).toBe(expected);
  });

  it('names the fault with the most records and lists every qualifying one', () => {
    const found = evaluate([['A', 'B'], ['A', 'B'], ['A', 'B', 'C'], ['B', 'C'], ['C'], []]);
    expect(found?.metadata.observed).toMatchObject({
      faultPattern: 'B',
      records: 4,
      qualifyingFaultPatterns: ['B', 'A', 'C'],
      recordsByFaultPattern: { A: 3, B: 4, C: 3 },
    });
    expect(found?.description).toContain('fault B in 4 of 6 readings');
    expect(found?.description).toContain('Other recurring faults: A (3), C (3).');
  });

  it('breaks a tie alphabetically', () => {
    const found = evaluate([
      ['ZETA', 'ALPHA'],
      ['ALPHA', 'ZETA'],
      ['ZETA', 'ALPHA'],
    ]);
    expect(found?.metadata.observed).toMatchObject({
      faultPattern: 'ALPHA',
      qualifyingFaultPatterns: ['ALPHA', 'ZETA'],
    });
  });

  it('triggers on the records that show the named fault', () => {
    const window = windowOf([['E1'], [], ['E1', 'E1'], ['E2'], ['E1']]);
    const found = faultPatternRule(window, latestOf(window), DEFAULT_THRESHOLDS);
    expect(found?.metadata.triggeringTimestamps).toEqual([0, 2, 4].map((i) => window[i]?.timestamp));
    expect(found?.metadata.thresholds).toEqual({ highRecords: 3, criticalRecords: 5 });
  });

  it('asks to take the equipment out of service when critical', () => {
    expect(evaluate(times('BAY3_OVERHEAT', 5))?.recommendedAction).toBe(
      'Take the equipment raising BAY3_OVERHEAT at STATION_007 out of service now and send a technician to repair it today.',
    );
  });
});
