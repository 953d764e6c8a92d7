/**
 * The console's view logic, free of the DOM so it is unit-tested (test/unit/console/model.test.ts). The
 * page's types mirror the API's JSON (src/domain/alert.ts), restated here because the page is bundled
 * for the browser apart from the server code.
 */

// The same vocabulary the API validates against (a module with no imports, so it bundles as is): a type
// the page offered but the domain did not know would be a 400 on the silences form.
import {
  ALERT_STATUSES,
  type AlertStatus,
  REJECTION_CODES,
  type RejectionCode,
  SEVERITIES,
  type Severity,
} from '../src/domain/alert-vocabulary';

export { ALERT_TYPES, SEVERITIES, type Severity } from '../src/domain/alert-vocabulary';
export const STATUSES = ALERT_STATUSES;
export { REJECTION_CODES, type RejectionCode } from '../src/domain/alert-vocabulary';

const REJECTION_LABELS: Readonly<Record<RejectionCode, string>> = {
  FALSE_ALARM: 'False alarm (the rule was wrong)',
  ALREADY_HANDLED: 'Already handled on site',
  DUPLICATE: 'Duplicate of another alert',
  MAINTENANCE: 'Planned maintenance',
  OTHER: 'Other (say why)',
};
export type Status = AlertStatus;

export interface Alert {
  alertId: string;
  stationId: string;
  alertType: string;
  severity: Severity;
  status: Status;
  title: string;
  description: string;
  recommendedAction: string;
  createdAt: number;
  updatedAt: number;
  occurrences: number;
  lastSeenAt: number;
  approvedAt?: number;
  approvedBy?: string;
  rejectedAt?: number;
  rejectedBy?: string;
  rejectionReason?: string;
  rejectionCode?: RejectionCode;
  stepFunctionExecutionArn?: string;
  remediation?: { status: string; error?: string; completedAt?: string };
  resolvedAt?: number;
  resolvedBy?: string;
  resolutionReason?: string;
  deadlineAt?: number;
  escalationLevel?: number;
  metadata: Record<string, unknown>;
}

export interface AuditEvent {
  taskId: string;
  alertId: string;
  actionType: string;
  timestamp: number;
  userId: string;
  details: Record<string, unknown>;
  status: 'SUCCESS' | 'FAILED';
  errorMessage?: string;
}

export interface Metric {
  stationId: string;
  timestamp: number;
  swapRate: number;
  chargerUptime: number;
  chargedBatteries: number;
  unchargedBatteries: number;
  chargerHealth: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const rank = (severity: Severity): number => SEVERITIES.indexOf(severity);

/**
 * The inbox's order: what needs a decision first (PENDING), the most severe first, and among equals the
 * one waiting longest; everything already decided after, newest first.
 */
export const inboxOrder = (alerts: readonly Alert[]): Alert[] =>
  [...alerts].sort((a, b) => {
    const pa = a.status === 'PENDING' ? 0 : 1;
    const pb = b.status === 'PENDING' ? 0 : 1;
    if (pa !== pb) return pa - pb;
    if (pa === 0) return rank(b.severity) - rank(a.severity) || a.createdAt - b.createdAt;
    return b.updatedAt - a.updatedAt;
  });

export interface InboxFilters {
  status: Status | '';
  station: string;
  type: string;
}

/** Filters live in the URL (after the hash's `?`), so a view can be shared. */
export const parseFilters = (query: string): InboxFilters => {
  const params = new URLSearchParams(query);
  const status = params.get('status') ?? '';
  return {
    status: (STATUSES as readonly string[]).includes(status) ? (status as Status) : '',
    station: params.get('station')?.trim() ?? '',
    type: params.get('type') ?? '',
  };
};

export const filtersQuery = (filters: InboxFilters): string => {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.station) params.set('station', filters.station);
  if (filters.type) params.set('type', filters.type);
  const text = params.toString();
  return text ? `?${text}` : '';
};

/** The alerts the filters keep (the API filters by status and station; the type is filtered here). */
export const applyFilters = (alerts: readonly Alert[], filters: InboxFilters): Alert[] =>
  alerts.filter(
    (a) =>
      (!filters.status || a.status === filters.status) &&
      (!filters.station || a.stationId === filters.station) &&
      (!filters.type || a.alertType === filters.type),
  );

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h": short enough for a table cell. */
export const duration = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
};

/** Time left to decide a PENDING alert: "in 4 min", "overdue 2 min", or "—" when it has no deadline. */
export const deadlineText = (alert: Alert, now: number): string => {
  if (alert.status !== 'PENDING' || alert.deadlineAt === undefined) return '—';
  const left = alert.deadlineAt - now;
  return left >= 0 ? `in ${duration(left)}` : `overdue ${duration(-left)}`;
};

/** The rejection codes the API knows (src/domain), each with the words the form shows. */
export const REJECT_REASONS: readonly { code: RejectionCode; label: string }[] = REJECTION_CODES.map(
  (code) => ({ code, label: REJECTION_LABELS[code] }),
);

/**
 * The code and reason the API records, or the field and message the form shows next to it. The code
 * says what kind of rejection it is (FALSE_ALARM counts against the rule's precision); the note is the
 * reason, or the code's label when there is none to add (the API wants a reason).
 */
export const rejectReason = (
  code: string,
  text: string,
): { code: RejectionCode; reason: string } | { field: 'code' | 'text'; message: string } => {
  const known = REJECT_REASONS.find((r) => r.code === code);
  const note = text.trim();
  if (!known) return { field: 'code', message: 'Choose a reason to reject.' };
  if (known.code === 'OTHER' && !note) return { field: 'text', message: 'Say why you reject it.' };
  const reason = note || known.label;
  if (reason.length > 1000) return { field: 'text', message: 'At most 1,000 characters.' };
  return { code: known.code, reason };
};

/** Who decided first, for a decision that lost the race (409). */
export const decidedBy = (alert: Alert): string => {
  if (alert.status === 'APPROVED') return `approved by ${alert.approvedBy ?? 'someone'}`;
  if (alert.status === 'REJECTED')
    return `rejected by ${alert.rejectedBy ?? 'someone'}${alert.rejectionReason ? ` (${alert.rejectionReason})` : ''}`;
  if (alert.status === 'RESOLVED') return `resolved by ${alert.resolvedBy ?? 'someone'}`;
  return 'still pending';
};

const numberAt = (record: unknown, key: string): number | undefined => {
  if (typeof record !== 'object' || record === null) return undefined;
  const value = (record as Record<string, unknown>)[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
};

export const READINGS = [
  { key: 'chargedBatteries', label: 'charged batteries', colour: '#1565c0' },
  { key: 'swapRate', label: 'swap rate (/h)', colour: '#6a1b9a' },
  { key: 'chargerUptime', label: 'charger uptime (%)', colour: '#2e7d32' },
] as const;
export type ReadingKey = (typeof READINGS)[number]['key'];

/** The reading the alert's rule compared, and the threshold it compared it with (from its metadata). */
export const ruleThreshold = (alert: Alert): { key: ReadingKey; value: number } | undefined => {
  const limits = alert.metadata.thresholds;
  const pick = (key: ReadingKey, name: string) => {
    const value = numberAt(limits, name);
    return value === undefined ? undefined : { key, value };
  };
  switch (alert.alertType) {
    case 'LOW_INVENTORY':
      return pick('chargedBatteries', 'chargedBatteries');
    case 'CHARGER_DOWN':
      return pick('chargerUptime', 'uptimePercent');
    case 'HIGH_DEMAND':
      return pick('swapRate', 'swapRatePerHour');
    default:
      return undefined;
  }
};

/** Columns for a chart, oldest first: x in epoch seconds, then one series per reading. */
export const chartColumns = (metrics: readonly Metric[]): number[][] => {
  const sorted = [...metrics].sort((a, b) => a.timestamp - b.timestamp);
  return [sorted.map((m) => m.timestamp / 1000), ...READINGS.map((r) => sorted.map((m) => m[r.key]))];
};

/** The readings window around an alert: the rule's window before its first trigger, and after it. */
export const alertWindow = (alert: Alert, now: number): { from: number; to: number } => {
  const triggers = alert.metadata.triggeringTimestamps;
  const first =
    Array.isArray(triggers) && typeof triggers[0] === 'number'
      ? Math.min(triggers[0], alert.createdAt)
      : alert.createdAt;
  const windowMs = 5 * 60_000;
  const end = alert.resolvedAt ?? Math.max(alert.lastSeenAt, alert.createdAt);
  return {
    from: first - windowMs,
    to: Math.min(Math.max(end + 10 * 60_000, first + windowMs), Math.max(now, end)),
  };
};

export interface TraceStep {
  key: string;
  title: string;
  at: number | undefined;
  detail: string;
  failed: boolean;
}

const TITLES: Record<string, string> = {
  ALERT_CREATED: 'Alert raised',
  ALERT_SEVERITY_RAISED: 'Severity raised',
  ALERT_ESCALATED: 'Escalated',
  ALERT_APPROVED: 'Approved',
  ALERT_REJECTED: 'Rejected',
  STEP_FUNCTION_STARTED: 'Workflow started',
  STEP_FUNCTION_SUCCEEDED: 'Workflow succeeded',
  STEP_FUNCTION_FAILED: 'Workflow failed',
  SNS_NOTIFICATION_SENT: 'Notification sent',
  ALERT_RESOLVED: 'Resolved',
};

const detailOf = (event: AuditEvent): string => {
  const d = event.details;
  const parts: string[] = [];
  for (const key of ['executionArn', 'messageId', 'reason', 'level', 'severity', 'status', 'error']) {
    const value = d[key];
    if (typeof value === 'string' || typeof value === 'number') parts.push(`${key} ${value}`);
  }
  if (event.errorMessage) parts.push(`error ${event.errorMessage}`);
  return [`by ${event.userId}`, ...parts].join(' · ');
};

/**
 * One linked trace: the readings that triggered the alert, then each audited step in time order
 * (alert, decision, workflow execution and outcome, notification, resolve), each with its ids.
 */
export const traceOf = (alert: Alert, audit: readonly AuditEvent[]): TraceStep[] => {
  const triggers = Array.isArray(alert.metadata.triggeringTimestamps)
    ? alert.metadata.triggeringTimestamps.filter((t): t is number => typeof t === 'number')
    : [];
  const steps: TraceStep[] = [
    {
      key: 'TRIGGERING_READINGS',
      title: `Triggering readings (${triggers.length || alert.occurrences})`,
      at: triggers[0] ?? alert.createdAt,
      detail: `station ${alert.stationId}`,
      failed: false,
    },
  ];
  for (const event of [...audit].sort((a, b) => a.timestamp - b.timestamp))
    steps.push({
      key: event.actionType,
      title: TITLES[event.actionType] ?? event.actionType,
      at: event.timestamp,
      detail: detailOf(event),
      failed: event.status === 'FAILED',
    });
  return steps;
};

/**
 * A time in the operator's locale. A browser started in the C/POSIX locale reports a tag such as
 * `en-US@posix`, which Intl refuses with a RangeError (the whole page would fail to render), so each
 * tag is cut at its `@` and an unusable list falls back to the runtime's own default.
 */
export const localTime = (
  at: number | string,
  part: 'dateTime' | 'time' = 'dateTime',
  locales: readonly string[] = typeof navigator === 'undefined' ? [] : navigator.languages,
): string => {
  const date = new Date(at);
  const usable = locales.map((tag) => tag.replace(/@.*$/, '')).filter((tag) => tag !== '');
  for (const candidate of [usable, 'en']) {
    try {
      return part === 'time'
        ? date.toLocaleTimeString(candidate as string[] | string)
        : date.toLocaleString(candidate as string[] | string);
    } catch {
      // A tag Intl still refuses: try the next candidate.
    }
  }
  return date.toISOString();
};

/** One row of GET /rules/stats (src/domain/rule-stats.ts). */
export interface RuleStatsRow {
  alertType: string;
  severity: Severity;
  opened: number;
  approved: number;
  rejected: Partial<Record<RejectionCode, number>>;
  resolvedUndecided: number;
  medianTimeToDecideMs: number | null;
  medianTimeToRecoverMs: number | null;
  precision: number | null;
}

/** Worst precision first, rules with no verdict yet last (the API's order, kept whatever it sends). */
export const worstPrecisionFirst = (rows: readonly RuleStatsRow[]): RuleStatsRow[] =>
  [...rows].sort((a, b) => {
    if (a.precision === b.precision) return 0;
    if (a.precision === null) return 1;
    if (b.precision === null) return -1;
    return a.precision - b.precision;
  });

/** "67%", or "—" when nobody approved or called a false alarm yet. */
export const precisionText = (precision: number | null): string =>
  precision === null ? '—' : `${Math.round(precision * 100)}%`;

/** "FALSE_ALARM 3 · DUPLICATE 1", the codes that happened. */
export const rejectionsText = (rejected: RuleStatsRow['rejected']): string =>
  Object.entries(rejected)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([code, n]) => `${code} ${n}`)
    .join(' · ') || '0';
