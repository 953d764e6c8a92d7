import { describe, expect, it } from 'vitest';
import type { Severity } from '../../../src/domain/types';
import { highDemandRule } from '../../../src/rules/high-demand';
import { DEFAULT_THRESHOLDS, type RuleThresholds } from '../../../src/rules/thresholds';
import { latestOf, readings } from '../../support/metric-factory';

const surgeWindow = (pattern: string, chargedBatteries = 20) =>
  readings(pattern.length, (i) => ({ demandSurge: pattern[i] === 'S', chargedBatteries }));

const evaluate = (window: ReturnType<typeof readings>, thresholds: RuleThresholds = DEFAULT_THRESHOLDS) =>
  highDemandRule(window, latestOf(window), thresholds);

describe('highDemandRule', () => {
  describe('surges in m of the last n readings (S = surge)', () => {
    it.each<[string, Severity | undefined]>([
      ['SS...', undefined],
      ['SSS..', 'MEDIUM'],
      ['..SSS', 'MEDIUM'],
      ['S.S.S', 'MEDIUM'],
      ['SSS', 'MEDIUM'],
      ['SS', undefined],
      ['SSS.S..', undefined],
      ['SS.SS.S', 'MEDIUM'],
    ])('%s -> %s', (pattern, expected) => {
      expect(evaluate(surgeWindow(pattern))?.severity).toBe(expected);
    });

    it('honours a configured m and n', () => {
      const thresholds = {
        ...DEFAULT_THRESHOLDS,
        highDemand: { ...DEFAULT_THRESHOLDS.highDemand, surgeRecords: 2, surgeLookback: 3 },
      };
      expect(evaluate(surgeWindow('..S.S'), thresholds)?.severity).toBe('MEDIUM');
      expect(evaluate(surgeWindow('S.S..'), thresholds)).toBeUndefined();
    });

    it('triggers on the surging readings only', () => {
      const window = surgeWindow('.S.SS');
      expect(evaluate(window)?.metadata.triggeringTimestamps).toEqual(
        [1, 3, 4].map((i) => window[i]?.timestamp),
      );
    });
  });

  describe('sustained swap rate', () => {
    it.each<[string, number[], Severity | undefined]>([
      ['30/h twice (at the threshold)', [30, 30], 'MEDIUM'],
      ['29.9/h in one reading', [40, 29.9], undefined],
      ['one busy reading only', [45], undefined],
      ['35-40/h in three readings', [35, 40, 31], 'MEDIUM'],
      ['a quiet reading earlier in the window', [10, 40, 40], undefined],
    ])('%s -> %s', (_case, rates, expected) => {
      const window = readings(rates.length, (i) => ({ swapRate: rates[i] ?? 0 }));
      expect(evaluate(window)?.severity).toBe(expected);
    });

    it('triggers on every reading and cites the lowest rate', () => {
      const window = readings(3, (i) => ({ swapRate: [35, 40, 31][i] ?? 0 }));
      const found = evaluate(window);
      expect(found?.metadata.triggeringTimestamps).toEqual(window.map((m) => m.timestamp));
      expect(found?.description).toContain('swap rates of at least 31/h in all 3 readings');
    });
  });

  it.each<[number, Severity]>([
    [5, 'HIGH'],
    [6, 'MEDIUM'],
  ])('with %i charged batteries -> %s', (chargedBatteries, expected) => {
    const found = evaluate(surgeWindow('SSS', chargedBatteries));
    expect(found?.severity).toBe(expected);
    expect(found?.metadata.thresholds).toMatchObject({ lowInventoryChargedBatteries: 5 });
  });

  it('cites the surge count and the stock when it escalates', () => {
    const found = evaluate(surgeWindow('.SSS.', 4));
    expect(found?.description).toBe(
      'STATION_007 shows a demand surge in 3 of its last 5 readings (threshold 3 of 5), with only 4 charged batteries left (threshold 5).',
    );
    expect(found?.recommendedAction).toContain('Dispatch charged batteries to STATION_007 within 30 minutes');
  });
});
