import { INCIDENTS, type Incident } from './incidents';

/** Incidents start again this often, so a long run keeps raising fresh alerts. */
export const INCIDENT_PERIOD_MS = 10 * 60_000;

export interface ActiveIncident {
  incident: Incident;
  /** Time since this incident started, ms. */
  offsetMs: number;
}

/**
 * The station that gets incident `kind` in cycle `cycle` of a fleet of `stations`: round-robin, so
 * cycle 0 hits STATION_001..004 and each later cycle moves on to the next stations (new alerts, not
 * merges into the last cycle's open ones). A fleet smaller than 4 wraps, so one station carries
 * several incidents at once.
 */
export const stationForIncident = (kind: number, cycle: number, stations: number): number =>
  (cycle * INCIDENTS.length + kind) % stations;

/** The incidents under way at station `index` at `elapsedMs` after the fleet started. */
export const activeIncidents = (index: number, stations: number, elapsedMs: number): ActiveIncident[] => {
  if (elapsedMs < 0) return [];
  const cycle = Math.floor(elapsedMs / INCIDENT_PERIOD_MS);
  const offsetMs = elapsedMs - cycle * INCIDENT_PERIOD_MS;
  const active: ActiveIncident[] = [];
  INCIDENTS.forEach((incident, kind) => {
    if (offsetMs < incident.durationMs && stationForIncident(kind, cycle, stations) === index) {
      active.push({ incident, offsetMs });
    }
  });
  return active;
};
