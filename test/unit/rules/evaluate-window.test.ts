import { describe, expect, it } from 'vitest';
import type { Metric } from '../../../src/domain/types';
import { evaluateWindow } from '../../../src/rules/evaluate-window';
import { parseThresholdOverrides } from '../../../src/rules/thresholds';
import { windowFor } from '../../../src/rules/window';
import { latestOf, MINUTE, metric, readings, T0 } from '../../support/metric-factory';

const summary = (window: readonly Metric[], evaluated: Metric = latestOf(window)) =>
  evaluateWindow(window, evaluated).map((found) => `${found.alertType}:${found.severity}`);

describe('evaluateWindow', () => {
  it('raises nothing for a healthy station', () => {
    expect(evaluateWindow(readings(5), latestOf(readings(5)))).toEqual([]);
  });

  it('combines every rule that applies, one candidate per alert type, in a fixed order', () => {
    const window = readings(5, (i) => ({
      chargedBatteries: 4,
      swapRate: 8,
      demandSurge: i >= 2,
      chargerHealth: i === 4 ? 'down' : 'degraded',
      chargerUptime: 70,
      faultPatterns: ['RELAY_TRIP'],
    }));
    expect(summary(window)).toEqual([
      'LOW_INVENTORY:HIGH',
      'CHARGER_DOWN:CRITICAL',
      'HIGH_DEMAND:HIGH',
      'FAULT_PATTERN:CRITICAL',
    ]);
  });

  it('stamps every candidate with the evaluated record and its triggering timestamps', () => {
    const window = readings(3, () => ({
      chargedBatteries: 0,
      faultPatterns: ['X'],
      chargerHealth: 'degraded',
      chargerUptime: 50,
    }));
    const candidates = evaluateWindow(window, latestOf(window));
    expect(candidates.length).toBeGreaterThan(0);
    for (const found of candidates) {
      expect(found.stationId).toBe('STATION_007');
      expect(found.triggeredAt).toBe(T0);
      expect(found.metadata).toHaveProperty('thresholds');
      expect(found.metadata).toHaveProperty('observed');
      const triggering = found.metadata.triggeringTimestamps as number[];
      expect(triggering).toContain(T0);
      expect(triggering.every((ts) => window.some((m) => m.timestamp === ts))).toBe(true);
      expect(found.recommendedAction).toMatch(/STATION_007/);
    }
  });

  it('trims a raw list to the window: a record exactly windowMs old or newer than the evaluated one does not count', () => {
    const fault = { faultPatterns: ['E42'] };
    const evaluated = metric({ timestamp: T0, ...fault });
    const raw = [
      metric({ timestamp: T0 + MINUTE, ...fault }),
      metric({ timestamp: T0 - 5 * MINUTE, ...fault }),
      metric({ timestamp: T0 - MINUTE, ...fault }),
    ];
    expect(summary(raw, evaluated)).toEqual([]);
    raw.push(metric({ timestamp: T0 - 5 * MINUTE + 1, ...fault }));
    expect(summary(raw, evaluated)).toEqual(['FAULT_PATTERN:HIGH']);
  });

  it('includes the evaluated record when the given window lacks it', () => {
    const earlier = readings(2, () => ({ chargerHealth: 'degraded', chargerUptime: 80 }), {
      endAt: T0 - MINUTE,
    });
    const evaluated = metric({ chargerHealth: 'down', chargerUptime: 0 });
    expect(summary(earlier, evaluated)).toEqual(['CHARGER_DOWN:CRITICAL']);
  });

  it('gives the same answer for a windowFor window and for the whole unsorted history', () => {
    const history = readings(12, (i) => ({
      demandSurge: i % 2 === 0,
      swapRate: 31 + i,
      faultPatterns: i > 6 ? ['F'] : [],
    }));
    const shuffled = [...history].reverse();
    for (const evaluated of history) {
      expect(evaluateWindow(shuffled, evaluated)).toEqual(
        evaluateWindow(windowFor(history, evaluated), evaluated),
      );
    }
  });

  it('applies overridden thresholds', () => {
    const window = readings(2, () => ({ chargedBatteries: 7, swapRate: 2 }));
    expect(summary(window)).toEqual([]);
    const thresholds = parseThresholdOverrides('{"lowInventory":{"chargedBatteries":7}}');
    expect(evaluateWindow(window, latestOf(window), thresholds).map((found) => found.alertType)).toEqual([
      'LOW_INVENTORY',
    ]);
  });
});
