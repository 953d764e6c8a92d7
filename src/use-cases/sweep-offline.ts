import { alertIdFor } from '../domain/ids';
import { lastHeardAt, offlineAlert, offlineVerdict } from '../domain/offline';
import type {
  AlertStore,
  Clock,
  IncidentEnd,
  LastSeenStore,
  MetricStore,
  RaiseOutcome,
} from '../domain/ports';
import type { SilenceCheck } from './silence-check';

export interface OfflineSweepDeps {
  lastSeen: LastSeenStore;
  metrics: Pick<MetricStore, 'latest'>;
  alerts: Pick<AlertStore, 'raise' | 'endIncident'>;
  clock: Clock;
  offlineAfterMs: number;
  /** Silences (maintenance windows); without it nothing is silenced. */
  silences?: Pick<SilenceCheck, 'suppressing'>;
}

export interface OfflineSweepOutcome {
  /** Rows due that this sweep looked at. */
  due: number;
  /** Due, but a reading newer than the last heartbeat says the station is not silent that long. */
  alive: number;
  raised: { stationId: string; outcome: RaiseOutcome }[];
  suppressed: { stationId: string; silenceId: string }[];
  /** Raised, but the station was heard of again meanwhile: the incident ended at once. */
  resumed: { stationId: string; outcome: IncidentEnd }[];
}

/**
 * The scheduled sweep's half for silent stations (docs/rules.md, "Offline stations"): the last-seen rows
 * due at `now` (one Query of the sparse due index), each checked against the station's newest stored
 * reading (one Query of its own key, newest first, Limit 1) so that a late heartbeat never raises an
 * outage. A station silent for offlineAfter raises STATION_OFFLINE through the alert store like every rule
 * (the incident guard, the alerts stream, the dispatcher's audit and notifications), honouring silences.
 *
 * Exactly once: the alert's id and trigger time come from the silence itself (when it began, and when it
 * reached the severity), so a second sweep of the same minute, or one after a sweep that failed half way,
 * raises into the same alert and changes nothing. The row is written last, conditional on no heartbeat
 * having arrived since it was read; if one did, the station is back and the incident ends here.
 */
export const sweepOffline = async (deps: OfflineSweepDeps): Promise<OfflineSweepOutcome> => {
  const now = deps.clock.now();
  const due = await deps.lastSeen.due(now);
  const outcome: OfflineSweepOutcome = { due: due.length, alive: 0, raised: [], suppressed: [], resumed: [] };
  for (const row of due) {
    const [newest] = await deps.metrics.latest(row.stationId, 1);
    const heardAt = lastHeardAt(row, newest?.timestamp, now);
    const verdict = offlineVerdict(heardAt, now, deps.offlineAfterMs);
    if (verdict.kind === 'alive') {
      outcome.alive += 1;
      const heard =
        newest && heardAt > row.lastSeenAt
          ? { lastSeenAt: heardAt, lastReadingAt: newest.timestamp }
          : undefined;
      await deps.lastSeen.settle(row, { dueAt: verdict.dueAt, ...(heard ? { heard } : {}) });
      continue;
    }
    const candidate = offlineAlert(row.stationId, verdict, heardAt, deps.offlineAfterMs);
    // Matched at the sweep's time, not the silence's start: a silence that ends while the station is still
    // silent lets the next sweep raise the alert (with its trigger time, so still under the same id).
    const silence = await deps.silences?.suppressing({ ...candidate, triggeredAt: now });
    if (silence) {
      outcome.suppressed.push({ stationId: row.stationId, silenceId: silence.silenceId });
      // Looked at again when the silence ends (the alert opens then if it is still silent), or earlier
      // when the severity would rise.
      await deps.lastSeen.settle(row, {
        dueAt: Math.min(silence.endsAt, verdict.nextDueAt ?? silence.endsAt),
      });
      continue;
    }
    const alertId = alertIdFor(row.stationId, 'STATION_OFFLINE', candidate.triggeredAt);
    const raised = await deps.alerts.raise(candidate, alertId, now);
    outcome.raised.push({ stationId: row.stationId, outcome: raised });
    const offline = {
      alertId: raised.kind === 'created' ? raised.alert.alertId : raised.alertId,
      severity: verdict.severity,
    };
    if (await deps.lastSeen.settle(row, { dueAt: verdict.nextDueAt, offline })) continue;
    // A heartbeat came in after the row was read: readings resumed, so the incident is over already.
    outcome.resumed.push({
      stationId: row.stationId,
      outcome: await deps.alerts.endIncident(
        row.stationId,
        'STATION_OFFLINE',
        Math.max(now, candidate.triggeredAt + 1),
        now,
      ),
    });
  }
  return outcome;
};
