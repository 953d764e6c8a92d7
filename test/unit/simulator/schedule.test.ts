import { describe, expect, it } from 'vitest';
import { combineEffects, INCIDENTS } from '../../../src/local/simulator/incidents';
import {
  activeIncidents,
  INCIDENT_PERIOD_MS,
  stationForIncident,
} from '../../../src/local/simulator/schedule';

const kindsAt = (index: number, stations: number, elapsedMs: number) =>
  activeIncidents(index, stations, elapsedMs).map(({ incident }) => incident.kind);

describe('incident schedule', () => {
  it('gives the first four stations one incident each in the first cycle', () => {
    expect([0, 1, 2, 3, 4].map((index) => kindsAt(index, 10, 0))).toEqual([
      ['battery-depletion'],
      ['charger-failure'],
      ['demand-surge'],
      ['recurring-fault'],
      [],
    ]);
  });

  it('moves on to the next four stations each cycle, wrapping round the fleet', () => {
    expect([0, 1, 2, 3].map((kind) => stationForIncident(kind, 1, 10))).toEqual([4, 5, 6, 7]);
    expect([0, 1, 2, 3].map((kind) => stationForIncident(kind, 2, 10))).toEqual([8, 9, 0, 1]);
  });

  it('stacks incidents on the stations of a fleet smaller than four', () => {
    expect(kindsAt(0, 1, 0)).toEqual([
      'battery-depletion',
      'charger-failure',
      'demand-surge',
      'recurring-fault',
    ]);
    expect(kindsAt(0, 2, 0)).toEqual(['battery-depletion', 'demand-surge']);
    expect(kindsAt(1, 2, 0)).toEqual(['charger-failure', 'recurring-fault']);
  });

  it('ends every incident well before the next cycle starts', () => {
    for (const incident of INCIDENTS) expect(incident.durationMs).toBeLessThan(INCIDENT_PERIOD_MS / 2);
    expect(kindsAt(0, 1, INCIDENT_PERIOD_MS - 1)).toEqual([]);
    expect(kindsAt(0, 1, INCIDENT_PERIOD_MS)).toHaveLength(4);
    expect(kindsAt(0, 1, -1)).toEqual([]);
  });
});

describe('combineEffects', () => {
  it('keeps the busiest swap rate and adds up logs and faults', () => {
    expect(
      combineEffects([
        { swapRate: 28, chargedBatteries: 3, errorLogs: ['a'] },
        { swapRate: 35, demandSurge: true },
        { faultPatterns: ['F'], errorLogs: ['b'], chargerHealth: 'down' },
      ]),
    ).toEqual({
      swapRate: 35,
      chargedBatteries: 3,
      demandSurge: true,
      chargerHealth: 'down',
      errorLogs: ['a', 'b'],
      faultPatterns: ['F'],
    });
  });
});
