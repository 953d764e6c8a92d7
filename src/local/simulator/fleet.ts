import { randomInt } from 'node:crypto';
import type { Metric } from '../../domain/types';
import { combineEffects } from './incidents';
import { isSilent } from './outage';
import { seededRandom, stationSeed } from './prng';
import { activeIncidents } from './schedule';
import { createStation, type Station } from './station';

export interface FleetOptions {
  stations: number;
  /** Same seed and same tick times give the same readings. Random when left out (see Fleet.seed). */
  seed?: number;
  /** Scripted incidents that make every alert type fire (see incidents.ts). */
  incidents: boolean;
  /** Event time incidents are scheduled from; the first tick's time when left out. */
  startTime?: number;
  /** One station goes silent for a while each cycle, and comes back (see outage.ts). Off by default. */
  outage?: boolean;
}

export interface Fleet {
  readonly stations: number;
  /** The seed in use, so a random run can be replayed. */
  readonly seed: number;
  /** One reading per station at `now` (epoch ms), in station order; none of a station in an outage. */
  tick(now: number): Metric[];
}

export const MAX_STATIONS = 100_000;

const checkOptions = ({ stations, seed, startTime }: FleetOptions): void => {
  if (!Number.isInteger(stations) || stations < 1 || stations > MAX_STATIONS) {
    throw new RangeError(`stations must be an integer from 1 to ${MAX_STATIONS}, got ${stations}`);
  }
  if (seed !== undefined && !Number.isInteger(seed))
    throw new RangeError(`seed must be an integer, got ${seed}`);
  if (startTime !== undefined && !Number.isFinite(startTime)) {
    throw new RangeError(`startTime must be an epoch in ms, got ${startTime}`);
  }
};

export const createFleet = (options: FleetOptions): Fleet => {
  checkOptions(options);
  const { stations: count, incidents } = options;
  const seed = options.seed ?? randomInt(2 ** 31);
  const stations: Station[] = Array.from({ length: count }, (_, index) =>
    createStation(index, seededRandom(stationSeed(seed, index))),
  );
  // Incident noise has its own stream, so switching incidents off leaves the healthy readings unchanged.
  const incidentRandom = seededRandom(stationSeed(seed, -1));
  let startTime = options.startTime;
  let previous: number | undefined;

  return {
    stations: count,
    seed,
    tick: (now) => {
      // The schema wants integer epoch ms; a fractional clock (performance.now based) is rounded down.
      const at = Math.floor(now);
      if (startTime === undefined) startTime = at;
      const start = startTime;
      // The first tick, or a clock that went backwards, reads the state without advancing it.
      const dtMs = previous === undefined ? 0 : Math.max(0, at - previous);
      previous = at;
      const readings = stations.map((station, index) => {
        const active = incidents ? activeIncidents(index, count, at - start) : [];
        const effect = combineEffects(
          active.map(({ incident, offsetMs }) => incident.effect(offsetMs, incidentRandom)),
        );
        return station.read(at, dtMs, effect);
      });
      // A silent station's model runs on (its reading is taken), it only sends nothing.
      return options.outage ? readings.filter((_, index) => !isSilent(index, count, at - start)) : readings;
    },
  };
};
