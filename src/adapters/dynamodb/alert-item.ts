import { type Alert, alertSchema } from '../../domain/alert';
import type { AlertType } from '../../domain/types';
import { type Item, MalformedItemError } from './item-fields';

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

/** The stored row as an Alert (store-only attributes dropped); a row of another shape fails naming the field. */
export const itemToAlert = (table: string, item: Item): Alert => {
  const parsed = alertSchema.safeParse(item);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new MalformedItemError(
    table,
    issue?.path.map(String).join('.') || '(item)',
    `valid (${issue?.message ?? 'invalid'})`,
  );
};

/** The alerts among `items`, guards dropped. */
export const alertsOf = (table: string, items: readonly Item[]): Alert[] =>
  items.filter((item) => isAlertItem(item)).map((item) => itemToAlert(table, item));
