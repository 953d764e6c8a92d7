import {
  ALERT_STATUSES,
  ALERT_TYPES,
  type Alert,
  type AlertType,
  type RemediationOutcome,
  SEVERITIES,
} from '../../domain/types';
import { fieldReader, type Item } from './item-fields';

/**
 * The alerts table holds two kinds of rows: alerts (the Alert record itself, attribute for attribute)
 * and one guard row per open (stationId, alertType), which makes "at most one PENDING alert" a
 * conditional write. Guards have no `status` or `createdAt`, so StatusIndex never sees them.
 */
export const GUARD_RECORD_TYPE = 'OPEN_ALERT_GUARD';

export interface OpenAlertGuardItem {
  alertId: string;
  recordType: typeof GUARD_RECORD_TYPE;
  openAlertId: string;
  stationId: string;
  alertType: AlertType;
}

/** The guard's key: the open alert of a station and type. Alert ids are UUIDs, so they never collide. */
export const guardKeyFor = (stationId: string, alertType: AlertType): string =>
  `OPEN#${stationId}#${alertType}`;

export const guardItemFor = (
  alert: Pick<Alert, 'alertId' | 'stationId' | 'alertType'>,
): OpenAlertGuardItem => ({
  alertId: guardKeyFor(alert.stationId, alert.alertType),
  recordType: GUARD_RECORD_TYPE,
  openAlertId: alert.alertId,
  stationId: alert.stationId,
  alertType: alert.alertType,
});

/** True for an alert row, false for a guard (or nothing): streams and queries keep only alerts. */
export const isAlertItem = (item: Record<string, unknown> | undefined): boolean =>
  item !== undefined &&
  item.recordType !== GUARD_RECORD_TYPE &&
  typeof item.alertId === 'string' &&
  typeof item.status === 'string';

export const alertToItem = (alert: Alert): Item => ({ ...alert });

const remediationOf = (table: string, value: Record<string, unknown>): RemediationOutcome => {
  const f = fieldReader(table, value);
  const plan = f.optionalRecord('plan');
  const error = f.optionalString('error');
  const cause = f.optionalString('cause');
  const completedAt = f.optionalString('completedAt');
  return {
    status: f.oneOf('status', ['SUCCEEDED', 'FAILED'] as const),
    ...(plan === undefined ? {} : { plan }),
    ...(error === undefined ? {} : { error }),
    ...(cause === undefined ? {} : { cause }),
    ...(completedAt === undefined ? {} : { completedAt }),
  };
};

/** Optional attributes of an alert, copied only when present so the record carries no undefined keys. */
const OPTIONAL_NUMBERS = ['approvedAt', 'rejectedAt'] as const;
const OPTIONAL_STRINGS = ['approvedBy', 'rejectedBy', 'rejectionReason', 'stepFunctionExecutionArn'] as const;

export const itemToAlert = (table: string, item: Item): Alert => {
  const f = fieldReader(table, item);
  const alert: Alert = {
    alertId: f.string('alertId'),
    stationId: f.string('stationId'),
    alertType: f.oneOf('alertType', ALERT_TYPES),
    severity: f.oneOf('severity', SEVERITIES),
    status: f.oneOf('status', ALERT_STATUSES),
    title: f.string('title'),
    description: f.string('description'),
    recommendedAction: f.string('recommendedAction'),
    createdAt: f.number('createdAt'),
    updatedAt: f.number('updatedAt'),
    occurrences: f.number('occurrences'),
    lastSeenAt: f.number('lastSeenAt'),
    metadata: f.record('metadata'),
  };
  for (const name of OPTIONAL_NUMBERS) {
    const value = f.optionalNumber(name);
    if (value !== undefined) alert[name] = value;
  }
  for (const name of OPTIONAL_STRINGS) {
    const value = f.optionalString(name);
    if (value !== undefined) alert[name] = value;
  }
  const remediation = f.optionalRecord('remediation');
  if (remediation !== undefined) alert.remediation = remediationOf(table, remediation);
  return alert;
};

/** The alerts among `items`, guards dropped. */
export const alertsOf = (table: string, items: readonly Item[]): Alert[] =>
  items.filter((item) => isAlertItem(item)).map((item) => itemToAlert(table, item));
