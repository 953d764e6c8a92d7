import { z } from 'zod';
import { auditTaskIdFor } from '../domain/ids';
import type { AuditStore, Clock } from '../domain/ports';
import { AUDIT_TTL_DAYS, type AuditActionType, type AuditEvent, ttlAfterDays } from '../domain/types';

export const TERMINAL_STATUSES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

// Only what the audit needs is checked; EventBridge adds fields (inputDetails, redriveCount, ...) freely.
const nullableString = z.string().nullish();
const statusChangeSchema = z.object({
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({
    executionArn: z.string().min(1),
    stateMachineArn: z.string().min(1),
    name: z.string().min(1),
    status: z.enum(TERMINAL_STATUSES),
    input: nullableString,
    output: nullableString,
    error: nullableString,
    cause: nullableString,
    startDate: z.number(),
    stopDate: z.number().nullish(),
  }),
});

/** An event this function cannot record: thrown so EventBridge retries it and then dead-letters it. */
export class MalformedWorkflowEventError extends Error {
  constructor(reason: string) {
    super(`not a recordable Step Functions status change: ${reason}`);
    this.name = 'MalformedWorkflowEventError';
  }
}

export interface RecordOutcomeDeps {
  audit: Pick<AuditStore, 'append'>;
  clock: Clock;
}

export interface RecordedOutcome {
  alertId: string;
  status: TerminalStatus;
  actionType: Extract<AuditActionType, 'STEP_FUNCTION_SUCCEEDED' | 'STEP_FUNCTION_FAILED'>;
  executionArn: string;
  /** False when this outcome was already on the trail (a redelivered event). */
  recorded: boolean;
}

const EXECUTION_NAME_PREFIX = 'alert-'; // executionNameFor in src/domain/ids.ts

const alertIdFromInput = (input: string | null | undefined): string | undefined => {
  if (!input) return undefined;
  try {
    const parsed: unknown = JSON.parse(input);
    if (typeof parsed === 'object' && parsed !== null && 'alertId' in parsed) {
      const { alertId } = parsed;
      if (typeof alertId === 'string' && alertId !== '') return alertId;
    }
  } catch {
    // Not JSON (or cut off): the execution name still says which alert it was.
  }
  return undefined;
};

const alertIdFromName = (name: string): string | undefined =>
  name.startsWith(EXECUTION_NAME_PREFIX) && name.length > EXECUTION_NAME_PREFIX.length
    ? name.slice(EXECUTION_NAME_PREFIX.length)
    : undefined;

const parseStatusChange = (event: unknown) => {
  const result = statusChangeSchema.safeParse(event);
  if (result.success) return result.data.detail;
  throw new MalformedWorkflowEventError(
    result.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; '),
  );
};

/**
 * Puts a finished remediation execution on its alert's audit trail. The row's taskId depends only on
 * the alert and the outcome kind, so a redelivered event adds nothing.
 */
export const recordWorkflowOutcome = async (
  event: unknown,
  deps: RecordOutcomeDeps,
): Promise<RecordedOutcome> => {
  const detail = parseStatusChange(event);
  const alertId = alertIdFromInput(detail.input) ?? alertIdFromName(detail.name);
  if (!alertId) {
    throw new MalformedWorkflowEventError(
      `execution ${detail.executionArn} names no alert (no input alertId, name ${detail.name})`,
    );
  }

  const succeeded = detail.status === 'SUCCEEDED';
  const actionType = succeeded ? 'STEP_FUNCTION_SUCCEEDED' : 'STEP_FUNCTION_FAILED';
  const error = detail.error ?? null;
  const cause = detail.cause ?? null;
  const now = deps.clock.now();
  const row: AuditEvent = {
    taskId: auditTaskIdFor(alertId, actionType),
    alertId,
    actionType,
    // When the execution ended, so the trail orders by what happened, not by when it was delivered.
    timestamp: detail.stopDate ?? now,
    userId: 'system',
    details: { status: detail.status, executionArn: detail.executionArn, error, cause },
    status: succeeded ? 'SUCCESS' : 'FAILED',
    // TIMED_OUT and ABORTED executions carry no error of their own; their status says what happened.
    ...(succeeded ? {} : { errorMessage: [error ?? detail.status, cause].filter(Boolean).join(': ') }),
    ttl: ttlAfterDays(now, AUDIT_TTL_DAYS),
  };
  const recorded = await deps.audit.append(row);
  return { alertId, status: detail.status, actionType, executionArn: detail.executionArn, recorded };
};
