import { z } from 'zod';
import { DEFAULT_REJECTION_CODE, REJECTION_CODES } from '../domain/alert-vocabulary';
import { ValidationError } from '../domain/errors';
import type { AlertStore, Clock } from '../domain/ports';
import type { Alert } from '../domain/types';

export interface DecideDeps {
  alerts: AlertStore;
  clock: Clock;
}

const rejectionSchema = z.object({
  reason: z
    .string({ error: 'is required and must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(1000, 'must be at most 1000 characters'),
  // Optional so clients from before codes existed keep working: their rejections count as OTHER.
  code: z
    .enum(REJECTION_CODES, { error: `must be one of ${REJECTION_CODES.join(', ')}` })
    .default(DEFAULT_REJECTION_CODE),
});

/** Approves a PENDING alert as `actor` (the token's subject). Throws AlertNotFoundError / AlertNotPendingError. */
export const approveAlert = (alertId: string, actor: string, deps: DecideDeps): Promise<Alert> =>
  deps.alerts.decide(alertId, { kind: 'approve', by: actor, at: deps.clock.now() });

/** Rejects a PENDING alert with a reason of 1..1000 characters and a rejection code (OTHER when absent). */
export const rejectAlert = (
  alertId: string,
  body: unknown,
  actor: string,
  deps: DecideDeps,
): Promise<Alert> => {
  const parsed = rejectionSchema.safeParse(body ?? {});
  if (!parsed.success) {
    throw new ValidationError(
      'invalid rejection',
      parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'reason', message: i.message })),
    );
  }
  return deps.alerts.decide(alertId, {
    kind: 'reject',
    by: actor,
    at: deps.clock.now(),
    reason: parsed.data.reason,
    code: parsed.data.code,
  });
};

const resolutionSchema = z.object({
  reason: z
    .string({ error: 'is required and must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(1000, 'must be at most 1000 characters'),
});

/**
 * Ends an alert's incident by hand (POST /alerts/{id}/resolve), as `actor`, with a reason of 1..1000
 * characters. Throws ValidationError (400), AlertNotFoundError (404), AlertAlreadyResolvedError (409).
 */
export const resolveAlert = (
  alertId: string,
  body: unknown,
  actor: string,
  deps: DecideDeps,
): Promise<Alert> => {
  const parsed = resolutionSchema.safeParse(body ?? {});
  if (!parsed.success) {
    throw new ValidationError(
      'invalid resolution',
      parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'reason', message: i.message })),
    );
  }
  return deps.alerts.resolve(alertId, { by: actor, at: deps.clock.now(), reason: parsed.data.reason });
};

/** Time from the alert's creation to its decision, for DecisionLatency. */
export const decisionLatencyMs = (alert: Alert): number | undefined => {
  const decidedAt = alert.approvedAt ?? alert.rejectedAt;
  return decidedAt === undefined ? undefined : Math.max(0, decidedAt - alert.createdAt);
};
