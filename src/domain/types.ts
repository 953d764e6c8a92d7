/** The records of seed 003 (the schema of record), with the closed unions it names. */

export const ALERT_TYPES = ['LOW_INVENTORY', 'CHARGER_DOWN', 'HIGH_DEMAND', 'FAULT_PATTERN'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ALERT_STATUSES = ['PENDING', 'APPROVED', 'REJECTED'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const CHARGER_HEALTHS = ['healthy', 'degraded', 'down'] as const;
export type ChargerHealth = (typeof CHARGER_HEALTHS)[number];

export const AUDIT_ACTION_TYPES = [
  'ALERT_CREATED',
  'ALERT_APPROVED',
  'ALERT_REJECTED',
  'STEP_FUNCTION_STARTED',
  'SNS_NOTIFICATION_SENT',
  'STEP_FUNCTION_SUCCEEDED',
  'STEP_FUNCTION_FAILED',
] as const;
export type AuditActionType = (typeof AUDIT_ACTION_TYPES)[number];

export const AUDIT_STATUSES = ['SUCCESS', 'FAILED'] as const;
export type AuditStatus = (typeof AUDIT_STATUSES)[number];

/** One reading of a station (metrics table). */
export interface Metric {
  stationId: string;
  /** Event time, epoch ms. */
  timestamp: number;
  /** Swaps per hour. */
  swapRate: number;
  demandSurge: boolean;
  /** Percentage 0..100. */
  chargerUptime: number;
  chargerHealth: ChargerHealth;
  chargedBatteries: number;
  unchargedBatteries: number;
  errorLogs: string[];
  faultPatterns: string[];
  /** Epoch seconds; DynamoDB TTL (writers set now + 30 days). */
  ttl?: number;
}

/** The outcome the remediation workflow records on the alert. */
export interface RemediationOutcome {
  status: 'SUCCEEDED' | 'FAILED';
  plan?: Record<string, unknown>;
  error?: string;
  cause?: string;
  completedAt?: string;
}

/** An alert raised by the rule engine (alerts table). */
export interface Alert {
  alertId: string;
  stationId: string;
  alertType: AlertType;
  severity: Severity;
  status: AlertStatus;
  title: string;
  description: string;
  recommendedAction: string;
  /** Event time of the triggering metric, epoch ms (so replays are deterministic). */
  createdAt: number;
  /** Wall-clock time of the last write, epoch ms. */
  updatedAt: number;
  /** Triggers merged into this open alert, the first included. */
  occurrences: number;
  /** Event time of the newest trigger merged into this alert, epoch ms. */
  lastSeenAt: number;
  approvedAt?: number;
  approvedBy?: string;
  rejectedAt?: number;
  rejectedBy?: string;
  rejectionReason?: string;
  stepFunctionExecutionArn?: string;
  remediation?: RemediationOutcome;
  metadata: Record<string, unknown>;
}

/** One step of an alert's audit trail (audit table). */
export interface AuditEvent {
  taskId: string;
  alertId: string;
  actionType: AuditActionType;
  /** Epoch ms. */
  timestamp: number;
  /** The acting user, or "system". */
  userId: string;
  details: Record<string, unknown>;
  status: AuditStatus;
  errorMessage?: string;
  /** Epoch seconds; DynamoDB TTL (writers set now + 90 days). */
  ttl?: number;
}

export const METRIC_TTL_DAYS = 30;
export const AUDIT_TTL_DAYS = 90;

/** DynamoDB TTL value (epoch seconds) `days` after `nowMs`. */
export const ttlAfterDays = (nowMs: number, days: number): number =>
  Math.floor(nowMs / 1000) + days * 24 * 60 * 60;

export const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);
export const higherSeverity = (a: Severity, b: Severity): Severity =>
  severityRank(b) > severityRank(a) ? b : a;
