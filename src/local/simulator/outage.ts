import { INCIDENTS } from './incidents';
import { INCIDENT_PERIOD_MS } from './schedule';

/**
 * One station goes silent and comes back every incident cycle (`ai-ops start` turns it on), so that
 * STATION_OFFLINE is raised and then resolved when its readings resume. Silent from 15 s into the cycle
 * for 135 s: with the local stage's 45 s offlineAfter and a sweep every minute, the alert opens within
 * about two minutes of the start and resolves at 2.5 minutes, when the station reports again.
 */
export const OUTAGE_START_MS = 15_000;
export const OUTAGE_DURATION_MS = 135_000;

/**
 * The station that goes silent in cycle `cycle`: the one after that cycle's incident stations, so its
 * silence is not mixed with a rule's incident; none in a fleet with no station to spare.
 */
export const stationForOutage = (cycle: number, stations: number): number | undefined =>
  stations > INCIDENTS.length ? (cycle * INCIDENTS.length + INCIDENTS.length) % stations : undefined;

/** True while station `index` sends nothing, `elapsedMs` after the fleet started. */
export const isSilent = (index: number, stations: number, elapsedMs: number): boolean => {
  if (elapsedMs < 0) return false;
  const cycle = Math.floor(elapsedMs / INCIDENT_PERIOD_MS);
  const offsetMs = elapsedMs - cycle * INCIDENT_PERIOD_MS;
  return (
    offsetMs >= OUTAGE_START_MS &&
    offsetMs < OUTAGE_START_MS + OUTAGE_DURATION_MS &&
    stationForOutage(cycle, stations) === index
  );
};
