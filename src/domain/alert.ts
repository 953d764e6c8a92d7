import { z } from 'zod';
import { ALERT_STATUSES, ALERT_TYPES, REJECTION_CODES, SEVERITIES } from './alert-vocabulary';

/**
 * The one description of an alert (alerts table, stream images, HTTP responses, the CLI). The type is
 * inferred from it, so adding a field to Alert is adding it here: the stream decoder, the DynamoDB item
 * mapping and the CLI's API client all derive from this schema.
 */

export const remediationOutcomeSchema = z.object({
  status: z.enum(['SUCCEEDED', 'FAILED']),
  plan: z.record(z.string(), z.unknown()).optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  completedAt: z.string().optional(),
});

/** The outcome the remediation workflow records on the alert. */
export type RemediationOutcome = z.infer<typeof remediationOutcomeSchema>;

// A plain (stripping) object: attributes a store keeps for itself (recordType, ttl, ...) are dropped, so
// what reaches the workflow input and the notification is exactly the domain Alert.
export const alertSchema = z.object({
  alertId: z.string().min(1),
  stationId: z.string().min(1),
  alertType: z.enum(ALERT_TYPES),
  severity: z.enum(SEVERITIES),
  status: z.enum(ALERT_STATUSES),
  title: z.string(),
  description: z.string(),
  recommendedAction: z.string(),
  /** Event time of the triggering metric, epoch ms (so replays are deterministic). */
  createdAt: z.number(),
  /** Wall-clock time of the last write, epoch ms. */
  updatedAt: z.number(),
  /** Triggers merged into this open alert, the first included. */
  occurrences: z.number(),
  /** Event time of the newest trigger merged into this alert, epoch ms. */
  lastSeenAt: z.number(),
  approvedAt: z.number().optional(),
  approvedBy: z.string().optional(),
  rejectedAt: z.number().optional(),
  rejectedBy: z.string().optional(),
  rejectionReason: z.string().optional(),
  /** Why it was rejected, from a fixed list (rejections from before codes existed have none). */
  rejectionCode: z.enum(REJECTION_CODES).optional(),
  stepFunctionExecutionArn: z.string().optional(),
  remediation: remediationOutcomeSchema.optional(),
  /** When the incident ended: event time of the reading that cleared it, or when an operator resolved it. */
  resolvedAt: z.number().optional(),
  /** Who ended the incident: `system` when its condition cleared. */
  resolvedBy: z.string().optional(),
  resolutionReason: z.string().optional(),
  /** Wall-clock time by which a PENDING alert should be decided, epoch ms (a severity raise shortens it). */
  deadlineAt: z.number().optional(),
  /** How many deadline periods a PENDING alert has gone undecided past its deadline: 1 to 3. */
  escalationLevel: z.number().int().min(0).max(3).optional(),
  metadata: z.record(z.string(), z.unknown()),
});

/** An alert raised by the rule engine (alerts table). */
export type Alert = z.infer<typeof alertSchema>;

/** Every wrong field of `value` as an alert, "path: message" each; empty when it is one. */
export const alertProblems = (value: unknown): { alert?: Alert; problems: string[] } => {
  const result = alertSchema.safeParse(value);
  if (result.success) return { alert: result.data, problems: [] };
  return {
    problems: result.error.issues.map(
      (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
    ),
  };
};
