import { z } from 'zod';
import { AlertNotFoundError, ValidationError } from '../domain/errors';
import type { AlertStore, AuditStore, Page } from '../domain/ports';
import { ALERT_STATUSES, type Alert, type AuditEvent } from '../domain/types';

export interface QueryDeps {
  alerts: AlertStore;
  audit: AuditStore;
}

const listSchema = z.object({
  status: z.enum(ALERT_STATUSES).optional(),
  stationId: z.string().trim().min(1).optional(),
  limit: z.coerce
    .number()
    .int('must be an integer')
    .min(1, 'must be >= 1')
    .max(100, 'must be <= 100')
    .default(20),
  cursor: z.string().min(1).optional(),
});

/** Alerts newest first, optionally of one status and/or station, paged with an opaque cursor. */
export const listAlerts = (
  query: Record<string, string | undefined>,
  deps: QueryDeps,
): Promise<Page<Alert>> => {
  const parsed = listSchema.safeParse(query);
  if (!parsed.success) {
    throw new ValidationError(
      'invalid query',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const { status, stationId, limit, cursor } = parsed.data;
  return deps.alerts.list({
    limit,
    ...(status ? { status } : {}),
    ...(stationId ? { stationId } : {}),
    ...(cursor ? { cursor } : {}),
  });
};

export const getAlert = async (alertId: string, deps: QueryDeps): Promise<Alert> => {
  const alert = await deps.alerts.get(alertId);
  if (!alert) throw new AlertNotFoundError(alertId);
  return alert;
};

/** An alert's audit trail, oldest first; 404 when the alert is unknown (its trail may have expired). */
export const alertTrail = async (alertId: string, deps: QueryDeps): Promise<{ items: AuditEvent[] }> => {
  const [alert, items] = await Promise.all([deps.alerts.get(alertId), deps.audit.trail(alertId)]);
  if (!alert && items.length === 0) throw new AlertNotFoundError(alertId);
  return { items };
};
export { ruleStats } from './query-rule-stats';
