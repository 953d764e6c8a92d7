import type { Alert } from '../domain/types';
import { logger } from './instances';

/**
 * Messages the saved Logs Insights queries and the dashboard filter on (infra/observability.yml). Changing
 * one here without changing the queries makes those widgets go silent; a unit test ties them together.
 */
export const LogMessage = {
  AlertCreated: 'alert created',
} as const;
export type LogMessage = (typeof LogMessage)[keyof typeof LogMessage];

/** The line the "latest alerts" widget and the "alerts created per station" query read. */
export const logAlertCreated = (
  alert: Pick<Alert, 'alertId' | 'stationId' | 'alertType' | 'severity'>,
): void =>
  logger.info(LogMessage.AlertCreated, {
    alertId: alert.alertId,
    stationId: alert.stationId,
    alertType: alert.alertType,
    severity: alert.severity,
  });
