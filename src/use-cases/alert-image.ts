import { z } from 'zod';
import { ALERT_STATUSES, ALERT_TYPES, type Alert, SEVERITIES } from '../domain/types';

/**
 * The alerts table also holds guard items (`alertId = OPEN#<station>#<type>`, recordType
 * OPEN_ALERT_GUARD) that keep one open alert per station and type; they show up in the table's stream
 * too and are never alerts. Checked on the raw image so a guard is skipped before any parsing.
 */
export const isGuardImage = (image: Record<string, unknown>): boolean =>
  image.recordType === 'OPEN_ALERT_GUARD' ||
  (typeof image.alertId === 'string' && image.alertId.startsWith('OPEN#'));

const remediationSchema = z.object({
  status: z.enum(['SUCCEEDED', 'FAILED']),
  plan: z.record(z.string(), z.unknown()).optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  completedAt: z.string().optional(),
});

// A plain (stripping) object: attributes the store keeps for itself (recordType, ttl, ...) are dropped,
// so what reaches the workflow input and the notification is exactly the domain Alert.
const alertImageSchema = z.object({
  alertId: z.string().min(1),
  stationId: z.string().min(1),
  alertType: z.enum(ALERT_TYPES),
  severity: z.enum(SEVERITIES),
  status: z.enum(ALERT_STATUSES),
  title: z.string(),
  description: z.string(),
  recommendedAction: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  occurrences: z.number(),
  lastSeenAt: z.number(),
  approvedAt: z.number().optional(),
  approvedBy: z.string().optional(),
  rejectedAt: z.number().optional(),
  rejectedBy: z.string().optional(),
  rejectionReason: z.string().optional(),
  stepFunctionExecutionArn: z.string().optional(),
  remediation: remediationSchema.optional(),
  metadata: z.record(z.string(), z.unknown()),
}) satisfies z.ZodType<Alert>;

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
  const result = alertImageSchema.safeParse(image);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`,
  );
  throw new MalformedAlertImageError(
    typeof image.alertId === 'string' ? image.alertId : undefined,
    problems.join('; '),
  );
};
