import { z } from 'zod';
import type { Alert } from './alert';
import { SEVERITIES, type Severity } from './alert-vocabulary';

/**
 * An alert lives as long as its incident (docs/rules.md, "Lifecycle"): it is open from its first trigger
 * until its condition clears or an operator resolves it, whatever its decision. A PENDING alert has an
 * approval deadline from its severity; past it, it escalates one level per further deadline period.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** How long an alert of each severity may stay PENDING before it escalates, ms. */
export type ApprovalDeadlines = Readonly<Record<Severity, number>>;

export const DEFAULT_APPROVAL_DEADLINES: ApprovalDeadlines = Object.freeze({
  CRITICAL: 15 * MINUTE,
  HIGH: HOUR,
  MEDIUM: 4 * HOUR,
  LOW: 24 * HOUR,
});

export const MAX_ESCALATION_LEVEL = 3;

/** Who ends an incident whose condition cleared, and who escalates: the audit trail's system user. */
export const SYSTEM_USER = 'system';

/** The deadline of a PENDING alert of `severity` whose clock started at `from` (wall clock). */
export const deadlineFor = (severity: Severity, from: number, deadlines: ApprovalDeadlines): number =>
  from + deadlines[severity];

/**
 * The escalation level a PENDING alert has reached at `now`: 0 before its deadline, then 1, 2, 3, each
 * one deadline period later. Decided and resolved alerts do not escalate.
 */
export const escalationLevelAt = (
  alert: Pick<Alert, 'status' | 'severity' | 'deadlineAt'>,
  now: number,
  deadlines: ApprovalDeadlines,
): number => {
  if (alert.status !== 'PENDING' || alert.deadlineAt === undefined || now < alert.deadlineAt) return 0;
  const period = Math.max(1, deadlines[alert.severity]);
  return Math.min(MAX_ESCALATION_LEVEL, 1 + Math.floor((now - alert.deadlineAt) / period));
};

/** True while the incident is open: a trigger merges into it, and no second alert opens. */
export const isOpenIncident = (alert: Pick<Alert, 'resolvedAt'>): boolean => alert.resolvedAt === undefined;

/** Thrown for a deadline override that cannot be used; the message names the key. */
export class ApprovalDeadlinesError extends Error {
  constructor(
    message: string,
    readonly keys: string[],
  ) {
    super(message);
    this.name = 'ApprovalDeadlinesError';
  }
}

const overrideSchema = z
  .strictObject(
    Object.fromEntries(
      SEVERITIES.map((severity) => [
        severity,
        z
          .number({ error: 'must be a number of milliseconds' })
          .int({ error: 'must be a whole number of milliseconds' })
          .positive({ error: 'must be positive' }),
      ]),
    ) as Record<Severity, z.ZodNumber>,
  )
  .partial();

/**
 * The defaults with a partial JSON override in ms, e.g. '{"CRITICAL":60000}'. Blank means none. Throws
 * ApprovalDeadlinesError naming each bad key: a stage with a broken override fails its cold start.
 */
export const parseApprovalDeadlines = (json: string | undefined): ApprovalDeadlines => {
  if (json === undefined || json.trim() === '') return DEFAULT_APPROVAL_DEADLINES;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApprovalDeadlinesError(`Invalid approval deadlines: not valid JSON (${reason})`, []);
  }
  const parsed = overrideSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ key, message: 'is not a severity' }))
        : [{ key: issue.path.map(String).join('.') || '(root)', message: issue.message }],
    );
    throw new ApprovalDeadlinesError(
      `Invalid approval deadlines: ${problems.map((p) => `${p.key} ${p.message}`).join('; ')}`,
      problems.map((p) => p.key),
    );
  }
  return { ...DEFAULT_APPROVAL_DEADLINES, ...parsed.data };
};
