import type { AlertStatus } from './types';

/** One wrong field of an input: `index` is the item's position when the input is an array. */
export interface FieldIssue {
  index?: number;
  path: string;
  message: string;
}

/** Base of every error the domain raises on purpose; each maps to one HTTP status. */
export abstract class DomainError extends Error {
  abstract readonly httpStatus: number;
  abstract readonly code: string;
}

export class ValidationError extends DomainError {
  readonly httpStatus = 400;
  readonly code = 'VALIDATION_FAILED';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

export class AlertNotFoundError extends DomainError {
  readonly httpStatus = 404;
  readonly code = 'ALERT_NOT_FOUND';
  constructor(readonly alertId: string) {
    super(`alert ${alertId} does not exist`);
    this.name = 'AlertNotFoundError';
  }
}

export class AlertNotPendingError extends DomainError {
  readonly httpStatus = 409;
  readonly code = 'ALERT_NOT_PENDING';
  constructor(
    readonly alertId: string,
    readonly currentStatus: AlertStatus,
    /** Set when the incident has ended: a RESOLVED alert can no longer be decided. */
    readonly resolvedAt?: number,
  ) {
    super(
      resolvedAt === undefined
        ? `alert ${alertId} is ${currentStatus}, not PENDING`
        : `alert ${alertId} is ${currentStatus}, not PENDING: its incident ended at resolvedAt ${new Date(resolvedAt).toISOString()}`,
    );
    this.name = 'AlertNotPendingError';
  }
}

/** The incident of this alert has ended already; it cannot be resolved twice. */
export class AlertAlreadyResolvedError extends DomainError {
  readonly httpStatus = 409;
  readonly code = 'ALERT_ALREADY_RESOLVED';
  constructor(
    readonly alertId: string,
    readonly resolvedAt: number,
  ) {
    super(`alert ${alertId} was resolved already (resolvedAt ${new Date(resolvedAt).toISOString()})`);
    this.name = 'AlertAlreadyResolvedError';
  }
}

export class AlertAlreadyExistsError extends DomainError {
  readonly httpStatus = 409;
  readonly code = 'ALERT_ALREADY_EXISTS';
  constructor(readonly alertId: string) {
    super(`alert ${alertId} already exists`);
    this.name = 'AlertAlreadyExistsError';
  }
}

/** A batch write that still had unprocessed items after its bounded retries. */
export class UnwrittenItemsError extends Error {
  constructor(
    readonly table: string,
    readonly keys: Record<string, unknown>[],
    attempts: number,
  ) {
    super(
      `${keys.length} item(s) not written to ${table} after ${attempts} attempts: ${JSON.stringify(keys.slice(0, 10))}${keys.length > 10 ? ' …' : ''}`,
    );
    this.name = 'UnwrittenItemsError';
  }
}

/** Keys a batch read left unprocessed (throttling) after its last attempt: a transient failure, not bad input. */
export class UnreadItemsError extends Error {
  constructor(
    readonly table: string,
    readonly keys: Record<string, unknown>[],
    attempts: number,
  ) {
    super(
      `${keys.length} item(s) not read from ${table} after ${attempts} attempts: ${JSON.stringify(keys.slice(0, 10))}${keys.length > 10 ? ' …' : ''}`,
    );
    this.name = 'UnreadItemsError';
  }
}

/** DELETE /silences/{silenceId} of a silence that does not exist. */
export class SilenceNotFoundError extends DomainError {
  readonly httpStatus = 404;
  readonly code = 'SILENCE_NOT_FOUND';
  constructor(readonly silenceId: string) {
    super(`silence ${silenceId} does not exist`);
    this.name = 'SilenceNotFoundError';
  }
}
