import { describe, expect, it } from 'vitest';
import type { Severity } from '../../../src/domain/types';
import { lowInventoryRule } from '../../../src/rules/low-inventory';
import { DEFAULT_THRESHOLDS, type RuleThresholds } from '../../../src/rules/thresholds';
import { metric, readings, T0 } from '../../support/metric-factory';

const evaluate = (
  chargedBatteries: number,
  swapRate: number,
  thresholds: RuleThresholds = DEFAULT_THRESHOLDS,
) => {
  const evaluated = metric({ chargedBatteries, swapRate });
  return lowInventoryRule([evaluated], evaluated, thresholds);
};

describe('lowInventoryRule', () => {
  it.each<[string, number, number, Severity | undefined]>([
    ['6 batteries, 6 h of stock', 6, 1, undefined],
    ['5 batteries (at the threshold)', 5, 1, 'MEDIUM'],
    ['5 batteries and swap rate 0', 5, 0, 'MEDIUM'],
    ['6 batteries and swap rate 0', 6, 0, undefined],
    ['depletion exactly 1 h at 5 batteries', 5, 5, 'MEDIUM'],
    ['depletion exactly 1 h at 10 batteries', 10, 10, undefined],
    ['depletion just under 1 h above the count threshold', 10, 10.5, 'HIGH'],
    ['3 batteries at 12/h (15 min)', 3, 12, 'HIGH'],
    ['20 batteries at 30/h (40 min)', 20, 30, 'HIGH'],
    ['0 batteries, swap rate 0', 0, 0, 'CRITICAL'],
    ['0 batteries at 10/h', 0, 10, 'CRITICAL'],
  ])('%s -> %s', (_case, charged, swapRate, expected) => {
    expect(evaluate(charged, swapRate)?.severity).toBe(expected);
  });

  it('cites the stock, threshold, swap rate and time left, and names a deadline', () => {
    const found = evaluate(3, 12);
    expect(found?.description).toBe(
      'STATION_007 has 3 charged batteries (threshold 5) at a swap rate of 12/h: about 15 minutes of stock left (threshold 1 h).',
    );
    expect(found?.recommendedAction).toBe(
      'Dispatch a battery rebalancing run to STATION_007 from the nearest stocked station within 15 minutes.',
    );
  });

  it('does not project depletion when nothing is being swapped', () => {
    const found = evaluate(2, 0);
    expect(found?.metadata.observed).toMatchObject({ swapRate: 0, hoursOfStockLeft: null });
    expect(found?.description).toContain('swap rate 0/h');
  });

  it('carries only its own thresholds and the evaluated timestamp', () => {
    const found = evaluate(4, 2);
    expect(found).toMatchObject({ alertType: 'LOW_INVENTORY', stationId: 'STATION_007', triggeredAt: T0 });
    expect(found?.metadata).toEqual({
      thresholds: { chargedBatteries: 5, depletionHours: 1 },
      observed: { chargedBatteries: 4, unchargedBatteries: 4, swapRate: 2, hoursOfStockLeft: 2 },
      triggeringTimestamps: [T0],
    });
  });

  it('judges the latest record only, not earlier low readings', () => {
    const window = readings(3, (i) => ({ chargedBatteries: i === 2 ? 20 : 0 }));
    const evaluated = window[2] ?? metric();
    expect(lowInventoryRule(window, evaluated, DEFAULT_THRESHOLDS)).toBeUndefined();
  });

  it('follows an overridden count threshold', () => {
    const thresholds = { ...DEFAULT_THRESHOLDS, lowInventory: { chargedBatteries: 8, depletionHours: 1 } };
    expect(evaluate(8, 1, thresholds)?.severity).toBe('MEDIUM');
    expect(evaluate(9, 1, thresholds)).toBeUndefined();
  });
});
