import type { Alert } from '../../domain/types';

// Fields that change after approval (wall-clock updatedAt, what the dispatcher and the workflow write
// back). Leaving them out keeps the input of an approved alert the same on every attempt, which is what
// makes StartExecution with the same name idempotent instead of failing with ExecutionAlreadyExists.
const VOLATILE_FIELDS = new Set<string>(['updatedAt', 'stepFunctionExecutionArn', 'remediation']);

const sortedDeep = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortedDeep((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
};

/**
 * The execution input for an alert: its stable fields as JSON with keys sorted at every depth (DynamoDB
 * maps come back in no particular order), so the same approved alert always gives the same string.
 */
export const workflowInputFor = (alert: Alert): string => {
  const stable = Object.fromEntries(Object.entries(alert).filter(([key]) => !VOLATILE_FIELDS.has(key)));
  return JSON.stringify(sortedDeep(stable));
};
