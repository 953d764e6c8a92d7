import type { Severity } from './alert-vocabulary';

/**
 * Silent stations (docs/rules.md, "Offline stations"). Silence has no event time, so everything here is
 * wall clock. The evaluator writes a station's last-seen row (a heartbeat) at most once per heartbeat
 * period; the row carries `dueAt`, the moment the station is offline if nothing newer is heard. The
 * scheduled sweep reads the rows due and raises STATION_OFFLINE: HIGH once silent for offlineAfter,
 * CRITICAL once silent for CRITICAL_AFTER_PERIODS x offlineAfter.
 */

export const DEFAULT_OFFLINE_AFTER_MS = 3 * 60_000;
/** Shorter makes no sense against a schedule that runs every minute and readings every few seconds. */
export const MIN_OFFLINE_AFTER_MS = 10_000;
export const CRITICAL_AFTER_PERIODS = 4;

/**
 * A heartbeat is written at most once per 0.85 x offlineAfter: a healthy station's next heartbeat comes
 * before its dueAt with room for one 5 s reading interval and some stream lag, and a fleet reporting every
 * 5 s pays about 3 write units (the row, and the index entry that moves) per 31 readings of 1 unit each:
 * under 10% of ingest (docs/scale.md). A heartbeat late for any reason is caught by the sweep's check of
 * the station's newest reading, never raised as an outage.
 */
export const HEARTBEAT_FRACTION = 0.85;

export const heartbeatPeriodMs = (offlineAfterMs: number): number =>
  Math.floor(offlineAfterMs * HEARTBEAT_FRACTION);

/** True when a station whose last heartbeat (this writer's) was at `writtenAt` needs another at `now`. */
export const heartbeatDue = (writtenAt: number | undefined, now: number, offlineAfterMs: number): boolean =>
  writtenAt === undefined || now - writtenAt >= heartbeatPeriodMs(offlineAfterMs) || now < writtenAt;

/** What the last-seen row remembers of a station (wall clock `seenAt`, event time `readingAt`). */
export interface SignOfLife {
  /** Wall clock when the evaluator saw the station's newest reading it wrote down. */
  lastSeenAt: number;
  /** Event time of that reading. */
  lastReadingAt: number;
}

/**
 * The wall-clock time the station was last heard of, from its row and the newest reading stored for it.
 * A reading newer (in event time) than the row's arrived after the last heartbeat: it is placed on the
 * wall clock by the station's own clock offset at the heartbeat, so a station whose clock is skewed is
 * judged as fairly as one whose clock is right. Never later than `now`.
 */
export const lastHeardAt = (row: SignOfLife, newestReadingAt: number | undefined, now: number): number => {
  if (newestReadingAt === undefined || newestReadingAt <= row.lastReadingAt) return row.lastSeenAt;
  return Math.min(now, row.lastSeenAt + (newestReadingAt - row.lastReadingAt));
};

export type OfflineVerdict =
  /** Heard of within offlineAfter: not offline; the row is next due at `dueAt`. */
  | { kind: 'alive'; dueAt: number }
  /**
   * Offline at `severity` since `triggeredAt` (the moment the silence reached that severity, so the same
   * silence always names the same trigger). `nextDueAt`: when the severity rises next (none after CRITICAL).
   */
  | { kind: 'offline'; severity: Severity; triggeredAt: number; silentForMs: number; nextDueAt?: number };

/** What a station last heard of at `heardAt` is at `now`. */
export const offlineVerdict = (heardAt: number, now: number, offlineAfterMs: number): OfflineVerdict => {
  const offlineAt = heardAt + offlineAfterMs;
  if (now < offlineAt) return { kind: 'alive', dueAt: offlineAt };
  const criticalAt = heardAt + CRITICAL_AFTER_PERIODS * offlineAfterMs;
  const silentForMs = now - heardAt;
  if (now < criticalAt)
    return { kind: 'offline', severity: 'HIGH', triggeredAt: offlineAt, silentForMs, nextDueAt: criticalAt };
  return { kind: 'offline', severity: 'CRITICAL', triggeredAt: criticalAt, silentForMs };
};

export const OFFLINE_RECOMMENDED_ACTION =
  'Check the station uplink and power; power-cycle its gateway remotely, and send a technician if it stays silent. Redirect riders to nearby stations while it is CRITICAL.';

const minutes = (ms: number): string => {
  const m = ms / 60_000;
  return Number.isInteger(m) ? `${m} min` : `${Math.round(ms / 1000)} s`;
};

/** The alert a silent station raises (an AlertCandidate, see src/domain/ports.ts). */
export const offlineAlert = (
  stationId: string,
  verdict: Extract<OfflineVerdict, { kind: 'offline' }>,
  heardAt: number,
  offlineAfterMs: number,
) => ({
  stationId,
  alertType: 'STATION_OFFLINE' as const,
  severity: verdict.severity,
  title: `${stationId} has stopped reporting`,
  description: `No reading from ${stationId} since ${new Date(heardAt).toISOString()} (silent for at least ${minutes(verdict.triggeredAt - heardAt)}; offline after ${minutes(offlineAfterMs)}, CRITICAL after ${minutes(CRITICAL_AFTER_PERIODS * offlineAfterMs)}).`,
  recommendedAction: OFFLINE_RECOMMENDED_ACTION,
  triggeredAt: verdict.triggeredAt,
  metadata: {
    thresholds: { offlineAfterMs, criticalAfterMs: CRITICAL_AFTER_PERIODS * offlineAfterMs },
    observed: { lastSeenAt: heardAt, silentForMs: verdict.silentForMs },
  },
});
