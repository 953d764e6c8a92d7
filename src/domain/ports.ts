import type { RejectionCode } from './alert-vocabulary';
import type { RuleStatsBucket, RuleStatsEvent } from './rule-stats';
import type { Silence } from './silence';
import type { Alert, AlertStatus, AlertType, AuditActionType, AuditEvent, Metric, Severity } from './types';

/** A page of results and the opaque cursor of the next one (null on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface MetricStore {
  put(metric: Metric): Promise<void>;
  /** BatchWriteItem in chunks of 25, unprocessed items retried; throws UnwrittenItemsError. */
  putMany(metrics: Metric[]): Promise<void>;
  /** The last `limit` metrics of a station, newest first. */
  latest(stationId: string, limit: number): Promise<Metric[]>;
  /** A station's metrics with fromTs <= timestamp <= toTs, oldest first. */
  range(stationId: string, fromTs: number, toTs: number): Promise<Metric[]>;
}

/** What the rule engine proposes; the store turns it into a new alert or merges it into the open one. */
export interface AlertCandidate {
  stationId: string;
  alertType: AlertType;
  severity: Severity;
  title: string;
  description: string;
  recommendedAction: string;
  /** Event time of the triggering metric, epoch ms. */
  triggeredAt: number;
  metadata: Record<string, unknown>;
}

export type RaiseOutcome =
  /** A new PENDING alert was written. */
  | { kind: 'created'; alert: Alert }
  /** Merged into the open alert of the same station and type (occurrences + 1, severity raised). */
  | { kind: 'merged'; alertId: string; severity: Severity; occurrences: number }
  /** Already counted (a replayed or older trigger): nothing changed. */
  | { kind: 'unchanged'; alertId: string };

export type Decision =
  | { kind: 'approve'; by: string; at: number }
  | {
      kind: 'reject';
      by: string;
      at: number;
      reason: string;
      /** OTHER when absent, as for a client that sends none. */
      code?: RejectionCode;
    };

/** An operator ends an incident by hand (POST /alerts/{id}/resolve). */
export interface ManualResolution {
  by: string;
  at: number;
  reason: string;
}

export type IncidentEnd =
  /** The open incident ended: its alert, as it is now (RESOLVED if it was PENDING). */
  | { kind: 'resolved'; alert: Alert }
  /** No open incident, or a newer trigger shows the condition is back: nothing changed. */
  | { kind: 'none' };

export interface AlertQuery {
  status?: AlertStatus;
  stationId?: string;
  limit: number;
  cursor?: string;
}

export interface AlertStore {
  /** Conditional put: throws AlertAlreadyExistsError rather than overwrite. */
  create(alert: Alert): Promise<void>;
  get(alertId: string): Promise<Alert | undefined>;
  /** Newest first (by createdAt); an opaque cursor pages on. Throws ValidationError on a bad cursor. */
  list(query: AlertQuery): Promise<Page<Alert>>;
  /** PENDING -> APPROVED | REJECTED; throws AlertNotFoundError, AlertNotPendingError. */
  decide(alertId: string, decision: Decision): Promise<Alert>;
  /** Ends the alert's incident by hand; throws AlertNotFoundError, AlertAlreadyResolvedError. */
  resolve(alertId: string, resolution: ManualResolution): Promise<Alert>;
  /** The condition of the open incident of (stationId, alertType) cleared at event time `clearedAt`. */
  endIncident(stationId: string, alertType: AlertType, clearedAt: number, now: number): Promise<IncidentEnd>;
  /**
   * One alert per incident of (stationId, alertType), also under concurrent writers: creates the alert
   * with `alertId`, or merges the trigger into the open one (whatever its decision) when it is newer
   * than its lastSeenAt.
   */
  raise(candidate: AlertCandidate, alertId: string, now: number): Promise<RaiseOutcome>;
  /** PENDING alerts whose deadline is at or before `now` (wall clock). */
  pendingPastDeadline(now: number): Promise<Alert[]>;
  /** Escalation level `from` -> `from + 1` of a PENDING alert, once; false when it moved on meanwhile. */
  escalate(alertId: string, from: number, now: number): Promise<boolean>;
  /** Records the remediation execution on the alert (no-op when it is already that ARN). */
  setExecutionArn(alertId: string, executionArn: string, now: number): Promise<void>;
}

export interface AuditStore {
  /** Conditional on a new taskId: returns false (and changes nothing) when it is already recorded. */
  append(event: AuditEvent): Promise<boolean>;
  /** Every step of one alert, oldest first. */
  trail(alertId: string): Promise<AuditEvent[]>;
  /** Steps of one action type with fromTs <= timestamp <= toTs, oldest first, paged. */
  byActionType(
    actionType: AuditActionType,
    fromTs: number,
    toTs: number,
    page?: { limit?: number; cursor?: string },
  ): Promise<Page<AuditEvent>>;
  /** Everything, paged (the admin view). */
  scan(page?: { limit?: number; cursor?: string }): Promise<Page<AuditEvent>>;
}

export interface RemediationWorkflow {
  /** Idempotent per alert: a second start for the same alert returns the same execution. */
  start(alert: Alert): Promise<{ executionArn: string; alreadyStarted: boolean }>;
}

export interface AlertNotifier {
  /** One message to the alerts topic, with alertType, severity and stationId as message attributes. */
  publishApproved(alert: Alert): Promise<{ messageId: string; topicArn: string }>;
}

export interface EscalationNotifier {
  /** One message to the escalation topic, with event, level, severity, alertType and stationId attributes. */
  publishEscalation(alert: Alert, level: number): Promise<{ messageId: string; topicArn: string }>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Runs `fn` at most once per key, also across retries and replays; a later call returns the first
 * call's result. A call whose `fn` throws leaves no trace, so a retry runs it again.
 */
export type Once = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

/** Silences (maintenance windows), see src/domain/silence.ts. */
export interface SilenceStore {
  /** Conditional put of a new silence. */
  create(silence: Silence): Promise<void>;
  /** Silences with endsAt > `after`, ending soonest first: one Query, whatever the fleet's size. */
  endingAfter(after: number): Promise<Silence[]>;
  /** Ends a silence at `at` (endsAt moves to `at` unless it ended earlier); throws SilenceNotFoundError. */
  end(silenceId: string, by: string, at: number): Promise<Silence>;
  /** Counts one suppressed trigger on the silence (nothing when the silence is gone). */
  countMatch(silenceId: string, triggeredAt: number): Promise<void>;
}

/** GET /stations/{stationId}/metrics: a station's readings in [from, to], newest first. */
export interface StationMetricsQuery {
  stationId: string;
  /** Epoch ms, inclusive; absent: no bound. */
  from?: number;
  to?: number;
  limit: number;
  cursor?: string;
}

export interface StationMetricsReader {
  /** Newest first, paged with an opaque cursor. Throws ValidationError on a bad cursor. */
  page(query: StationMetricsQuery): Promise<Page<Metric>>;
}

/** A station's last-seen row (src/domain/offline.ts): heartbeats, and the offline incident they found. */
export interface LastSeenRow {
  stationId: string;
  /** Wall clock of the newest heartbeat (or of the newest reading the sweep found after it). */
  lastSeenAt: number;
  /** Event time of that reading. */
  lastReadingAt: number;
  /** When the station is next looked at by the sweep; absent once its silence is CRITICAL. */
  dueAt?: number;
  /** The STATION_OFFLINE alert this silence raised, and at which severity (absent while heard of). */
  offlineAlertId?: string;
  offlineSeverity?: Severity;
}

export type Heartbeat =
  /** Written; `before` is the row as it was (undefined for a station's first heartbeat). */
  | { kind: 'written'; before?: LastSeenRow }
  /** The row already knows a reading as new or newer (a replay): nothing changed. */
  | { kind: 'older' };

export interface LastSeenStore {
  /** The station was heard of at `seenAt` (wall clock) with a reading of event time `readingAt`. */
  heartbeat(stationId: string, seenAt: number, readingAt: number, dueAt: number): Promise<Heartbeat>;
  /**
   * Forgets the silence's alert named on the row, once the evaluator has ended its incident; nothing when
   * the row names another alert (a newer silence) or none.
   */
  clearOffline(stationId: string, alertId: string): Promise<void>;
  /** Rows with dueAt <= `now`: one Query of the sparse due index, whatever the fleet's size. */
  due(now: number): Promise<LastSeenRow[]>;
  /**
   * The sweep's write, conditional on the row's lastSeenAt still being `row.lastSeenAt` (no heartbeat
   * since it was read). `dueAt` undefined takes the row out of the due index. False when a heartbeat won.
   */
  settle(
    row: LastSeenRow,
    change: {
      dueAt: number | undefined;
      heard?: { lastSeenAt: number; lastReadingAt: number };
      offline?: { alertId: string; severity: Severity };
    },
  ): Promise<boolean>;
}

/** Rule statistics kept as alerts change (src/domain/rule-stats.ts). */
export interface RuleStatsStore {
  /** Adds the event's counters once: false (and nothing changed) when its key was already counted. */
  count(event: RuleStatsEvent): Promise<boolean>;
  /** The day buckets with fromDay <= day <= toDay. */
  buckets(fromDay: number, toDay: number): Promise<RuleStatsBucket[]>;
}
