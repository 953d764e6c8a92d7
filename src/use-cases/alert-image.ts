import { type Alert, alertProblems } from '../domain/alert';

/**
 * The alerts table also holds guard items (`alertId = OPEN#<station>#<type>`, recordType
 * OPEN_ALERT_GUARD) that keep one open alert per station and type; they show up in the table's stream
 * too and are never alerts. Checked on the raw image so a guard is skipped before any parsing.
 */
export const isGuardImage = (image: Record<string, unknown>): boolean =>
  image.recordType === 'OPEN_ALERT_GUARD' ||
  (typeof image.alertId === 'string' && image.alertId.startsWith('OPEN#'));

/** An alert image the stream carries that does not have the shape of an alert. */
export class MalformedAlertImageError extends Error {
  constructor(
    readonly alertId: string | undefined,
    readonly problems: string,
  ) {
    super(`alert image ${alertId ?? '(no alertId)'} is malformed: ${problems}`);
    this.name = 'MalformedAlertImageError';
  }
}

/** Reads a stream image as an Alert; throws MalformedAlertImageError naming every wrong field. */
export const parseAlertImage = (image: Record<string, unknown>): Alert => {
  const { alert, problems } = alertProblems(image);
  if (alert) return alert;
  throw new MalformedAlertImageError(
    typeof image.alertId === 'string' ? image.alertId : undefined,
    problems.join('; '),
  );
};
