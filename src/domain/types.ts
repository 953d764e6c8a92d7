/** The records of seed 003 (the schema of record), with the closed unions it names. */

import { SEVERITIES, type Severity } from './alert-vocabulary';

export type { Alert, RemediationOutcome } from './alert';
export {
  ALERT_STATUSES,
  ALERT_TYPES,
  type AlertStatus,
  type AlertType,
  SEVERITIES,
  type Severity,
} from './alert-vocabulary';

export const CHARGER_HEALTHS = ['healthy', 'degraded', 'down'] as const;
export type ChargerHealth = (typeof CHARGER_HEALTHS)[number];

export const AUDIT_ACTION_TYPES = [
  'ALERT_CREATED',
  'ALERT_APPROVED',
  'ALERT_REJECTED',
  'ALERT_SEVERITY_RAISED',
  'ALERT_RESOLVED',
  'ALERT_ESCALATED',
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
