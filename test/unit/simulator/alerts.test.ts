import { describe, expect, it } from 'vitest';
import { ALERT_TYPES } from '../../../src/domain/types';
import { createFleet, INCIDENT_PERIOD_MS, RECURRING_FAULT } from '../../../src/local/simulator';
import { candidatesOf, START, ticks, typesOf } from './drive';

const MINUTE = 60_000;
/** The types the metrics rules raise (STATION_OFFLINE is raised by the sweep, for a silent station). */
const RULE_TYPES = ALERT_TYPES.filter((type) => type !== 'STATION_OFFLINE');

describe('simulated incidents against the real rule engine', () => {
  it.each([1, 2, 3, 4, 10])('raise every alert type within the first minute (%i stations)', (stations) => {
    const fleet = createFleet({ stations, seed: 11, incidents: true, startTime: START });
    const candidates = candidatesOf(ticks(fleet, MINUTE));
    expect([...typesOf(candidates)].sort()).toEqual([...RULE_TYPES].sort());
  });

  it.each([0, 1, 2, 99, 123_456])(
    'raise every alert type within the first minute whatever the seed (%i)',
    (seed) => {
      const candidates = candidatesOf(ticks(createFleet({ stations: 4, seed, incidents: true }), MINUTE));
      expect(typesOf(candidates).size).toBe(RULE_TYPES.length);
    },
  );

  it('escalate: each incident reaches its worst severity in the first minute on its own station', () => {
    const candidates = candidatesOf(ticks(createFleet({ stations: 10, seed: 4, incidents: true }), MINUTE));
    const severities = (station: string, type: string) =>
      new Set(
        candidates.filter((c) => c.stationId === station && c.alertType === type).map((c) => c.severity),
      );
    expect(severities('STATION_001', 'LOW_INVENTORY')).toEqual(new Set(['HIGH', 'CRITICAL']));
    expect(severities('STATION_002', 'CHARGER_DOWN')).toEqual(new Set(['MEDIUM', 'CRITICAL']));
    expect(severities('STATION_003', 'HIGH_DEMAND')).toEqual(new Set(['MEDIUM']));
    expect(severities('STATION_004', 'FAULT_PATTERN')).toEqual(new Set(['HIGH', 'CRITICAL']));
    const fault = candidates.find((c) => c.alertType === 'FAULT_PATTERN');
    expect(fault?.metadata.observed).toMatchObject({ faultPattern: RECURRING_FAULT });
  });

  it('leave the other stations quiet', () => {
    const candidates = candidatesOf(
      ticks(createFleet({ stations: 10, seed: 4, incidents: true }), 5 * MINUTE),
    );
    const alerted = new Set(candidates.map((c) => c.stationId));
    expect(alerted).toEqual(new Set(['STATION_001', 'STATION_002', 'STATION_003', 'STATION_004']));
  });

  it('recover: the incident stations read healthy again before the next cycle', () => {
    const fleet = createFleet({ stations: 4, seed: 8, incidents: true });
    const all = ticks(fleet, INCIDENT_PERIOD_MS - 5000);
    const last = all[all.length - 1] ?? [];
    for (const metric of last) {
      expect(metric).toMatchObject({ chargerHealth: 'healthy', demandSurge: false, faultPatterns: [] });
      expect(metric.chargedBatteries).toBeGreaterThan(25);
      expect(metric.swapRate).toBeLessThanOrEqual(25);
    }
    // And the rule engine agrees: the last minute before the next cycle raises nothing.
    const lastMinute = candidatesOf(all).filter((c) => c.triggeredAt > START + INCIDENT_PERIOD_MS - MINUTE);
    expect(lastMinute).toEqual([]);
  });

  it('recur every cycle, moving on round-robin to the next stations', () => {
    const fleet = createFleet({ stations: 10, seed: 6, incidents: true });
    const candidates = candidatesOf(ticks(fleet, 2 * INCIDENT_PERIOD_MS + MINUTE));
    const inCycle = (cycle: number) =>
      candidates.filter((c) => {
        const offset = c.triggeredAt - START - cycle * INCIDENT_PERIOD_MS;
        return offset >= 0 && offset <= MINUTE;
      });
    const stationsOf = (cycle: number) => new Set(inCycle(cycle).map((c) => c.stationId));
    expect(typesOf(inCycle(1)).size).toBe(RULE_TYPES.length);
    expect(typesOf(inCycle(2)).size).toBe(RULE_TYPES.length);
    expect(stationsOf(1)).toEqual(new Set(['STATION_005', 'STATION_006', 'STATION_007', 'STATION_008']));
    // 10 stations: cycle 2 wraps from STATION_009 round to STATION_002.
    expect(stationsOf(2)).toEqual(new Set(['STATION_009', 'STATION_010', 'STATION_001', 'STATION_002']));
  });

  it('put every incident on the only station of a one-station fleet', () => {
    const candidates = candidatesOf(ticks(createFleet({ stations: 1, seed: 2, incidents: true }), MINUTE));
    expect(new Set(candidates.map((c) => c.stationId))).toEqual(new Set(['STATION_001']));
    expect(typesOf(candidates).size).toBe(RULE_TYPES.length);
  });

  it.each([1, 2, 3])('off: a healthy fleet raises nothing CRITICAL (seed %i)', (seed) => {
    const candidates = candidatesOf(
      ticks(createFleet({ stations: 20, seed, incidents: false }), 15 * MINUTE),
    );
    expect(candidates.filter((c) => c.severity === 'CRITICAL')).toEqual([]);
    // Stricter than the brief: the healthy model is tuned to raise nothing at all.
    expect(candidates).toEqual([]);
  });

  it('off: a healthy fleet stays quiet through a whole day, peaks included (charging keeps up with demand)', () => {
    const candidates = candidatesOf(
      ticks(createFleet({ stations: 10, seed: 21, incidents: false }), 24 * 60 * MINUTE, MINUTE),
    );
    expect(candidates).toEqual([]);
  });
});
