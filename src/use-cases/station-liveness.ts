import { heartbeatDue } from '../domain/offline';
import type { AlertStore, Clock, IncidentEnd, LastSeenStore } from '../domain/ports';

/** A station's newest reading of a batch. */
export interface HeardReading {
  stationId: string;
  /** Event time. */
  readingAt: number;
  /** Wall clock when the reading was written to the metrics table, when the stream says (epoch ms). */
  writtenAt?: number;
}

export interface HeartbeatDeps {
  lastSeen: LastSeenStore;
  alerts: Pick<AlertStore, 'endIncident'>;
  clock: Clock;
  offlineAfterMs: number;
}

export interface HeartbeatOutcome {
  written: number;
  /** STATION_OFFLINE incidents that ended because their station was heard of again. */
  resumed: { stationId: string; outcome: IncidentEnd }[];
  failed: { stationId: string; error: unknown }[];
}

/**
 * DynamoDB Streams date a record to the minute (ApproximateCreationDateTime is rounded down; DynamoDB Local
 * does the same): the reading was written within the minute after `writtenAt`. A live batch is dated by
 * the evaluator's clock, a late one (a redelivery, a backlog) no later than that minute's end: by
 * `writtenAt` itself, a heartbeat was up to a minute stale, and with an offlineAfter under a minute
 * (45 s locally) the sweep raised healthy stations.
 */
const CREATION_TIME_PRECISION_MS = 60_000;

/** Past this many stations the memory of heartbeats starts afresh (each station then writes once more). */
const MAX_REMEMBERED_STATIONS = 200_000;

/**
 * The evaluator's heartbeats (docs/rules.md, "Offline stations"): at most one last-seen write per station
 * per heartbeat period, known from this instance's memory of its own writes, so a reading costs no read.
 * An instance that starts cold, or another one on the same shard, writes once more: never less often.
 *
 * The write returns the row as it was: a station that had been due (silent for offlineAfter, so the
 * sweep may have raised STATION_OFFLINE) ends that incident here, as readings resume.
 */
export class StationHeartbeats {
  private readonly writtenAt = new Map<string, number>();

  constructor(private readonly deps: HeartbeatDeps) {}

  async record(readings: readonly HeardReading[]): Promise<HeartbeatOutcome> {
    const outcome: HeartbeatOutcome = { written: 0, resumed: [], failed: [] };
    const { lastSeen, alerts, clock, offlineAfterMs } = this.deps;
    if (this.writtenAt.size > MAX_REMEMBERED_STATIONS) this.writtenAt.clear();
    await Promise.all(
      readings.map(async ({ stationId, readingAt, writtenAt }) => {
        const now = clock.now();
        if (!heartbeatDue(this.writtenAt.get(stationId), now, offlineAfterMs)) return;
        const seenAt = Math.min(now, (writtenAt ?? now) + CREATION_TIME_PRECISION_MS - 1);
        try {
          const beat = await lastSeen.heartbeat(stationId, seenAt, readingAt, seenAt + offlineAfterMs);
          if (beat.kind === 'written') {
            outcome.written += 1;
            const before = beat.before;
            const wasSilent =
              before !== undefined &&
              (before.offlineAlertId !== undefined || before.dueAt === undefined || before.dueAt <= seenAt);
            if (wasSilent) {
              // After the alert's own trigger whatever the clocks: the sweep raised it no later than now.
              const clearedAt = Math.max(seenAt, now);
              const end = await alerts.endIncident(stationId, 'STATION_OFFLINE', clearedAt, now);
              outcome.resumed.push({ stationId, outcome: end });
              if (before.offlineAlertId !== undefined)
                await lastSeen.clearOffline(stationId, before.offlineAlertId);
            }
          }
          // Remembered only once the incident is ended too: the row keeps naming the silence's alert until
          // then, so the station's next batch writes again and ends it.
          this.writtenAt.set(stationId, now);
        } catch (error) {
          // Not remembered as written: the station's next batch tries again.
          this.writtenAt.delete(stationId);
          outcome.failed.push({ stationId, error });
        }
      }),
    );
    return outcome;
  }
}
