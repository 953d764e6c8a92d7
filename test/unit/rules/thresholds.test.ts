import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLDS,
  parseThresholdOverrides,
  RuleThresholdsError,
} from '../../../src/rules/thresholds';

describe('DEFAULT_THRESHOLDS', () => {
  it('holds the documented defaults and cannot be changed by accident', () => {
    expect(DEFAULT_THRESHOLDS).toEqual({
      windowMs: 300_000,
      lowInventory: { chargedBatteries: 5, depletionHours: 1 },
      chargerDown: { uptimePercent: 90, minRecords: 2 },
      highDemand: { surgeRecords: 3, surgeLookback: 5, swapRatePerHour: 30, minRecords: 2 },
      faultPattern: { highRecords: 3, criticalRecords: 5 },
    });
    expect(Object.isFrozen(DEFAULT_THRESHOLDS.lowInventory)).toBe(true);
  });
});

describe('parseThresholdOverrides', () => {
  it.each([undefined, '', '  ', '{}'])('%j means the defaults', (json) => {
    expect(parseThresholdOverrides(json)).toEqual(DEFAULT_THRESHOLDS);
  });

  it('merges a partial override onto the defaults, key by key', () => {
    const thresholds = parseThresholdOverrides(
      '{"windowMs":600000,"lowInventory":{"chargedBatteries":8},"highDemand":{"surgeRecords":4,"surgeLookback":6}}',
    );
    expect(thresholds).toEqual({
      ...DEFAULT_THRESHOLDS,
      windowMs: 600_000,
      lowInventory: { chargedBatteries: 8, depletionHours: 1 },
      highDemand: { surgeRecords: 4, surgeLookback: 6, swapRatePerHour: 30, minRecords: 2 },
    });
  });

  it.each([
    [
      '{"lowInventory":{"chargedBatteries":-1}}',
      'lowInventory.chargedBatteries must not be negative (got -1)',
    ],
    ['{"highDemand":{"swapRatePerHour":"30"}}', 'highDemand.swapRatePerHour must be a number (got "30")'],
    ['{"chargerDown":{"minRecords":1.5}}', 'chargerDown.minRecords must be a whole number'],
    ['{"chargerDown":{"uptimePercent":101}}', 'chargerDown.uptimePercent must be at most 100'],
    ['{"faultPattern":{"highRecords":0}}', 'faultPattern.highRecords must be at least 1'],
    ['{"windowMs":0}', 'windowMs must be positive'],
    ['{"lowInventory":{"chargedBateries":3}}', 'lowInventory.chargedBateries is not a known threshold'],
    ['{"lowInventroy":{"chargedBatteries":3}}', 'lowInventroy is not a known threshold'],
    ['{"chargerDown":4}', 'chargerDown must be an object'],
    ['{"highDemand":{"surgeRecords":6}}', 'highDemand.surgeRecords must not exceed highDemand.surgeLookback'],
    [
      '{"faultPattern":{"criticalRecords":2}}',
      'faultPattern.criticalRecords must be at least faultPattern.highRecords',
    ],
    ['[5]', '(root) must be a JSON object'],
    ['{"lowInventory":', 'not valid JSON'],
  ])('rejects %s naming the key', (json, message) => {
    expect(() => parseThresholdOverrides(json)).toThrow(message);
  });

  it('reports every bad key at once as a RuleThresholdsError', () => {
    let caught: unknown;
    try {
      parseThresholdOverrides('{"lowInventory":{"depletionHours":-2},"faultPattern":{"highRecords":"3"}}');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RuleThresholdsError);
    expect((caught as RuleThresholdsError).keys.sort()).toEqual([
      'faultPattern.highRecords',
      'lowInventory.depletionHours',
    ]);
  });
});
