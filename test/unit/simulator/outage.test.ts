import { describe, expect, it } from 'vitest';
import { createFleet, INCIDENT_PERIOD_MS } from '../../../src/local/simulator';
import { isSilent, OUTAGE_DURATION_MS, OUTAGE_START_MS } from '../../../src/local/simulator/outage';
import { START } from './drive';

const idsAt = (fleet: ReturnType<typeof createFleet>, elapsedMs: number) =>
  fleet.tick(START + elapsedMs).map((m) => m.stationId);

describe('the outage of `ai-ops start` (one station silent, then back)', () => {
  it('silences the station after the incident ones, from 15 s for 135 s, and every cycle again', () => {
    const fleet = createFleet({ stations: 5, seed: 3, incidents: true, outage: true, startTime: START });
    expect(idsAt(fleet, 0)).toContain('STATION_005');
    expect(idsAt(fleet, OUTAGE_START_MS)).not.toContain('STATION_005');
    expect(idsAt(fleet, OUTAGE_START_MS)).toHaveLength(4);
    expect(idsAt(fleet, OUTAGE_START_MS + OUTAGE_DURATION_MS - 1)).not.toContain('STATION_005');
    expect(idsAt(fleet, OUTAGE_START_MS + OUTAGE_DURATION_MS)).toContain('STATION_005');
    // The next cycle silences the next spare station (small fleets wrap).
    expect(isSilent(3, 5, INCIDENT_PERIOD_MS + OUTAGE_START_MS)).toBe(true);
    expect(isSilent(4, 5, INCIDENT_PERIOD_MS + OUTAGE_START_MS)).toBe(false);
  });

  it('is off unless asked for, and needs a station to spare', () => {
    const off = createFleet({ stations: 5, seed: 3, incidents: true, startTime: START });
    expect(idsAt(off, OUTAGE_START_MS)).toHaveLength(5);
    const small = createFleet({ stations: 4, seed: 3, incidents: true, outage: true, startTime: START });
    expect(idsAt(small, OUTAGE_START_MS)).toHaveLength(4);
  });
});
