import type { Metric } from '../../domain/types';
import { normalSwapRate } from './demand';
import type { Effect } from './incidents';
import type { Random } from './prng';

/** Battery slots per station: charged + uncharged always add up to this. */
export const STATION_CAPACITY = 48;
/**
 * Mean time to charge one battery. At the busiest normal rate (25/h) about 8 batteries are charging at
 * any time, so a healthy station keeps 35+ charged: more than an hour of stock, no LOW_INVENTORY.
 */
const MEAN_CHARGE_MS = 20 * 60_000;
/** A benign log line about every 10 minutes, and an isolated demand flag about every 15. */
const BENIGN_LOG_EVERY_MS = 10 * 60_000;
const LONE_SURGE_EVERY_MS = 15 * 60_000;
/**
 * A lone surge flag is noise, not a pattern: none within this many readings of the last one, so
 * HIGH_DEMAND's surge test (3 of the last 5) never fires on a healthy station, whatever the interval.
 */
const READINGS_BETWEEN_LONE_SURGES = 5;

const BENIGN_LOGS = [
  'INFO: firmware heartbeat delayed 2s',
  'WARN: battery door sensor bounced, retried',
  'WARN: payment terminal timeout, retry succeeded',
  'INFO: cabinet fan speed raised to 60%',
] as const;

export const stationId = (index: number): string => `STATION_${String(index + 1).padStart(3, '0')}`;

/** Probability that something happening every `everyMs` on average happens within `dtMs`. */
const within = (dtMs: number, everyMs: number): number => 1 - Math.exp(-dtMs / everyMs);

export interface Station {
  readonly id: string;
  /** The reading at `now`, `dtMs` after the previous one, with the incidents' `effect` on top. */
  read(now: number, dtMs: number, effect: Effect): Metric;
}

/** One station's healthy behaviour; its random stream is its own (see stationSeed). */
export const createStation = (index: number, random: Random): Station => {
  const id = stationId(index);
  const busyness = random.between(0.75, 1.15);
  let charged = STATION_CAPACITY - random.int(3, 8);
  let uptime = random.between(98, 100);
  let readingsSinceSurge = READINGS_BETWEEN_LONE_SURGES;

  const charge = (dtMs: number): void => {
    const p = within(dtMs, MEAN_CHARGE_MS);
    let finished = 0;
    for (let i = STATION_CAPACITY - charged; i > 0; i--) if (random.chance(p)) finished++;
    charged += finished;
  };

  return {
    id,
    read: (now, dtMs, effect) => {
      const swapRate = effect.swapRate ?? normalSwapRate(now, busyness, random.between(-1.5, 1.5));
      if (!effect.chargingStopped) charge(dtMs);
      // Each swap takes a charged battery and leaves a depleted one in its slot.
      charged -= Math.min(charged, random.poisson((swapRate * dtMs) / 3_600_000));
      uptime = Math.min(100, Math.max(97, uptime + random.between(-0.15, 0.15)));
      const benign = random.chance(within(dtMs, BENIGN_LOG_EVERY_MS)) ? [random.pick(BENIGN_LOGS)] : [];
      const surgeDrawn = random.chance(within(dtMs, LONE_SURGE_EVERY_MS));
      const loneSurge = surgeDrawn && readingsSinceSurge >= READINGS_BETWEEN_LONE_SURGES;
      readingsSinceSurge = loneSurge ? 1 : readingsSinceSurge + 1;
      const reportedCharged = effect.chargedBatteries ?? charged;
      return {
        stationId: id,
        timestamp: now,
        swapRate,
        demandSurge: effect.demandSurge ?? loneSurge,
        chargerUptime: effect.chargerUptime ?? Math.round(uptime * 10) / 10,
        chargerHealth: effect.chargerHealth ?? 'healthy',
        chargedBatteries: reportedCharged,
        unchargedBatteries: STATION_CAPACITY - reportedCharged,
        errorLogs: [...benign, ...(effect.errorLogs ?? [])],
        faultPatterns: effect.faultPatterns ?? [],
      };
    },
  };
};
