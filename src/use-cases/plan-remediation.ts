import { z } from 'zod';
import { type FieldIssue, ValidationError } from '../domain/errors';
import { buildRemediationPlan, type RemediationPlan, UnplannableAlertError } from '../domain/remediation';
import { ALERT_TYPES, SEVERITIES } from '../domain/types';

/**
 * The remediation workflow's plan step: validates what the state machine passes ({ planType, alert })
 * and builds the plan. A malformed input throws ValidationError; the workflow's Catch records it.
 */

const nonEmpty = () => z.string().trim().min(1, 'must be a non-empty string');

// Only the fields a plan reads are checked; the rest of the alert passes through untouched.
const inputSchema = z.object({
  planType: z.enum(ALERT_TYPES),
  alert: z.object({
    alertId: nonEmpty(),
    stationId: nonEmpty(),
    alertType: z.enum(ALERT_TYPES),
    severity: z.enum(SEVERITIES),
    // The workflow remediates approved alerts only; anything else reaching it is a dispatcher bug.
    status: z.literal('APPROVED', { error: 'must be APPROVED: only approved alerts are remediated' }),
    metadata: z.record(z.string(), z.unknown(), { error: 'must be an object' }),
  }),
});

export interface PlanRemediationInput {
  planType: string;
  alert: unknown;
}

const issuesOf = (error: z.ZodError): FieldIssue[] =>
  error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));

const invalid = (issues: FieldIssue[]): ValidationError =>
  new ValidationError(
    `invalid remediation input: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`,
    issues,
  );

export const planRemediation = (input: PlanRemediationInput): RemediationPlan => {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) throw invalid(issuesOf(parsed.error));
  const { planType, alert } = parsed.data;
  if (planType !== alert.alertType) {
    // The Choice routes on alertType, so a mismatch means the definition and the alert disagree.
    throw invalid([{ path: 'planType', message: `is ${planType} but the alert is ${alert.alertType}` }]);
  }
  try {
    return buildRemediationPlan(planType, alert);
  } catch (error) {
    if (error instanceof UnplannableAlertError) {
      throw invalid([{ path: `alert.${error.path}`, message: error.message }]);
    }
    throw error;
  }
};
