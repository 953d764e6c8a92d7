import { describe, expect, it } from 'vitest';
import { parseMetricBatch } from '../../../src/domain/metric-schema';
import { CHARGER_HEALTHS } from '../../../src/domain/types';
import { createFleet, STATION_CAPACITY } from '../../../src/local/simulator';
import { START, ticks } from './drive';

describe('createFleet', () => {
  it('replays the same readings for the same seed and tick times', () => {
    const a = ticks(createFleet({ stations: 6, seed: 42, incidents: true }), 10 * 60_000);
    const b = ticks(createFleet({ stations: 6, seed: 42, incidents: true }), 10 * 60_000);
    expect(b).toEqual(a);
  });

  it('gives a different seed different readings', () => {
    const a = ticks(createFleet({ stations: 6, seed: 42, incidents: false }), 60_000);
    const b = ticks(createFleet({ stations: 6, seed: 43, incidents: false }), 60_000);
    expect(b).not.toEqual(a);
  });

  it('reports the seed it picked when none is given, and that seed replays the run', () => {
    const random = createFleet({ stations: 3, incidents: true, startTime: START });
    const replay = createFleet({ stations: 3, seed: random.seed, incidents: true, startTime: START });
    expect(ticks(replay, 60_000)).toEqual(ticks(random, 60_000));
  });

  it('keeps a station the same whatever the fleet size (each has its own random stream)', () => {
    const small = ticks(createFleet({ stations: 5, seed: 9, incidents: false }), 60_000);
    const large = ticks(createFleet({ stations: 50, seed: 9, incidents: false }), 60_000);
    expect(large.map((tick) => tick.slice(0, 5))).toEqual(small);
  });

  it('leaves the stations without an incident exactly as they read with incidents off', () => {
    // First 10-minute cycle: incidents are on STATION_001..004 only.
    const on = ticks(createFleet({ stations: 10, seed: 5, incidents: true }), 9 * 60_000);
    const off = ticks(createFleet({ stations: 10, seed: 5, incidents: false }), 9 * 60_000);
    expect(on.map((tick) => tick.slice(4))).toEqual(off.map((tick) => tick.slice(4)));
    expect(on.map((tick) => tick.slice(0, 4))).not.toEqual(off.map((tick) => tick.slice(0, 4)));
  });

  it('sends one reading per station per tick, STATION_001.. in order, stamped with the tick time', () => {
    const fleet = createFleet({ stations: 12, seed: 1, incidents: true });
    const tick = fleet.tick(START + 0.7);
    expect(tick.map((metric) => metric.stationId)).toEqual(
      Array.from({ length: 12 }, (_, i) => `STATION_${String(i + 1).padStart(3, '0')}`),
    );
    expect(tick.every((metric) => metric.timestamp === START)).toBe(true);
  });

  it.each([1, 3, 4, 25])(
    'passes the real metric schema on every tick (%i stations, incidents on)',
    (stations) => {
      const fleet = createFleet({ stations, seed: stations, incidents: true });
      // 25 minutes: more than two incident cycles, every phase of every incident.
      for (const tick of ticks(fleet, 25 * 60_000)) {
        const at = tick[0]?.timestamp ?? 0;
        expect(() => parseMetricBatch(JSON.parse(JSON.stringify(tick)), at)).not.toThrow();
      }
    },
  );

  it('stays in the normal ranges when healthy over a whole day', () => {
    const fleet = createFleet({ stations: 8, seed: 77, incidents: false });
    const readings = ticks(fleet, 24 * 60 * 60_000, 60_000).flat();
    const rates = readings.map((metric) => metric.swapRate);
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(4);
    expect(Math.max(...rates)).toBeLessThanOrEqual(25);
    // The daily pattern shows: the busiest reading is well above the quietest.
    expect(Math.max(...rates) - Math.min(...rates)).toBeGreaterThan(10);
    // Collected first so a failure names the odd readings instead of stopping at the first of 11,000.
    const odd = readings.filter(
      (metric) =>
        metric.chargerUptime < 97 ||
        metric.chargerUptime > 100 ||
        metric.chargerHealth !== 'healthy' ||
        metric.chargedBatteries + metric.unchargedBatteries !== STATION_CAPACITY ||
        metric.faultPatterns.length > 0,
    );
    expect(odd).toEqual([]);
    // Occasional, not constant: benign logs and lone surges exist but are rare.
    const logged = readings.filter((metric) => metric.errorLogs.length > 0).length;
    const surging = readings.filter((metric) => metric.demandSurge).length;
    expect(logged).toBeGreaterThan(0);
    expect(logged / readings.length).toBeLessThan(0.2);
    expect(surging).toBeGreaterThan(0);
    expect(surging / readings.length).toBeLessThan(0.15);
  });

  it('drains charged batteries with swaps and refills them by charging', () => {
    const fleet = createFleet({ stations: 1, seed: 3, incidents: false });
    const charged = ticks(fleet, 3 * 60 * 60_000, 5000).map((tick) => tick[0]?.chargedBatteries ?? -1);
    const steps = charged.slice(1).map((value, i) => value - (charged[i] as number));
    expect(steps.some((step) => step < 0)).toBe(true);
    expect(steps.some((step) => step > 0)).toBe(true);
  });

  it('uses only the known charger health values', () => {
    const readings = ticks(createFleet({ stations: 4, seed: 2, incidents: true }), 5 * 60_000).flat();
    const seen = new Set(readings.map((metric) => metric.chargerHealth));
    expect([...seen].every((health) => CHARGER_HEALTHS.includes(health))).toBe(true);
    expect(seen).toEqual(new Set(['healthy', 'degraded', 'down']));
  });

  it.each([
    [{ stations: 0, incidents: true }, /stations/],
    [{ stations: 2.5, incidents: true }, /stations/],
    [{ stations: 2, seed: 1.5, incidents: true }, /seed/],
  ])('refuses %o', (options, message) => {
    expect(() => createFleet(options)).toThrow(message);
  });
});
