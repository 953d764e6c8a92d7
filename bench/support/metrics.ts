import type { Metric } from '../../src/domain/types';

/**
 * The benchmark's readings. Background readings are healthy (no rule fires on them: plenty of charged
 * batteries, a modest swap rate, full uptime, no surge, no faults), so the only alerts are the probes'.
 * A probe is the first reading of a station nobody has seen before, with no charged battery left:
 * LOW_INVENTORY CRITICAL fires on that record alone, so each probe creates exactly one new alert.
 */

export const backgroundStationId = (runId: string, index: number): string =>
  `${runId}_BG_${String(index).padStart(5, '0')}`;

export const probeStationId = (runId: string, label: string, sequence: number): string =>
  `${runId}_PROBE_${label}_${String(sequence).padStart(6, '0')}`;

export const healthyReading = (stationId: string, timestamp: number, index: number): Metric => ({
  stationId,
  timestamp,
  swapRate: 6 + (index % 7),
  demandSurge: false,
  chargerUptime: 99,
  chargerHealth: 'healthy',
  chargedBatteries: 30 + (index % 10),
  unchargedBatteries: 48 - (30 + (index % 10)),
  errorLogs: [],
  faultPatterns: [],
});

export const probeReading = (stationId: string, timestamp: number): Metric => ({
  stationId,
  timestamp,
  swapRate: 8,
  demandSurge: false,
  chargerUptime: 99,
  chargerHealth: 'healthy',
  chargedBatteries: 0,
  unchargedBatteries: 48,
  errorLogs: [],
  faultPatterns: [],
});

/**
 * Hands out background readings round robin over `stations` stations. A station's readings never share
 * a timestamp (the table key is stationId + timestamp): a station read again within the same
 * millisecond gets the next one.
 */
export const backgroundFleet = (runId: string, stations: number) => {
  const lastTimestamp = new Array<number>(stations).fill(0);
  let next = 0;
  return (now: number): Metric => {
    const index = next;
    next = (next + 1) % stations;
    const timestamp = Math.max(Math.floor(now), (lastTimestamp[index] ?? 0) + 1);
    lastTimestamp[index] = timestamp;
    return healthyReading(backgroundStationId(runId, index), timestamp, index);
  };
};
