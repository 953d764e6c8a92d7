import { describe, expect, it } from 'vitest';
import type { ChargerHealth, Severity } from '../../../src/domain/types';
import { chargerDownRule } from '../../../src/rules/charger-down';
import { DEFAULT_THRESHOLDS } from '../../../src/rules/thresholds';
import { latestOf, readings } from '../../support/metric-factory';

type Reading = [ChargerHealth, number];

const evaluate = (history: Reading[]) => {
  const window = readings(history.length, (i) => {
    const [chargerHealth, chargerUptime] = history[i] ?? ['healthy', 100];
    return { chargerHealth, chargerUptime };
  });
  return chargerDownRule(window, latestOf(window), DEFAULT_THRESHOLDS);
};

describe('chargerDownRule', () => {
  it.each<[string, Reading[], Severity | undefined]>([
    ['latest down, single reading', [['down', 0]], 'CRITICAL'],
    [
      'latest down after healthy readings',
      [
        ['healthy', 99],
        ['healthy', 99],
        ['down', 95],
      ],
      'CRITICAL',
    ],
    [
      'degraded twice at 89.9%',
      [
        ['degraded', 89.9],
        ['degraded', 89.9],
      ],
      'MEDIUM',
    ],
    [
      'degraded twice at 90% (not below)',
      [
        ['degraded', 90],
        ['degraded', 90],
      ],
      undefined,
    ],
    [
      'one reading at 90% breaks the streak',
      [
        ['degraded', 80],
        ['degraded', 90],
        ['degraded', 80],
      ],
      undefined,
    ],
    ['a single degraded reading', [['degraded', 10]], undefined],
    [
      'one healthy reading in the window',
      [
        ['healthy', 50],
        ['degraded', 80],
        ['degraded', 80],
      ],
      undefined,
    ],
    [
      'recovered: latest healthy',
      [
        ['degraded', 80],
        ['degraded', 80],
        ['healthy', 80],
      ],
      undefined,
    ],
    [
      'earlier down, now degraded (still unhealthy)',
      [
        ['down', 0],
        ['degraded', 60],
      ],
      'MEDIUM',
    ],
    [
      'healthy with low uptime',
      [
        ['healthy', 50],
        ['healthy', 50],
      ],
      undefined,
    ],
  ])('%s -> %s', (_case, history, expected) => {
    expect(evaluate(history)?.severity).toBe(expected);
  });

  it('lists every record of the streak and cites the uptime range', () => {
    const window = readings(3, (i) => ({ chargerHealth: 'degraded', chargerUptime: [80, 89.9, 85][i] ?? 0 }));
    const found = chargerDownRule(window, latestOf(window), DEFAULT_THRESHOLDS);
    expect(found?.description).toContain('all 3 readings of the last 5 minutes');
    expect(found?.description).toContain('uptime 80%-89.9% (threshold 90%)');
    expect(found?.metadata.triggeringTimestamps).toEqual(window.map((m) => m.timestamp));
    expect(found?.metadata.thresholds).toEqual({ uptimePercent: 90, minRecords: 2 });
  });

  it('points at the stranded batteries when the charger is down', () => {
    const window = readings(1, () => ({ chargerHealth: 'down', chargerUptime: 12.5, unchargedBatteries: 9 }));
    const found = chargerDownRule(window, latestOf(window), DEFAULT_THRESHOLDS);
    expect(found?.description).toBe(
      'STATION_007 reports its charger down (uptime 12.5%); 9 uncharged batteries cannot be charged.',
    );
    expect(found?.recommendedAction).toContain('move its 9 uncharged batteries');
    expect(found?.metadata.triggeringTimestamps).toEqual([latestOf(window).timestamp]);
  });
});
