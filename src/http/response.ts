import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  AlertAlreadyResolvedError,
  AlertNotPendingError,
  DomainError,
  ValidationError,
} from '../domain/errors';
import { UnauthorizedError } from './errors';

export type HttpResponse = APIGatewayProxyStructuredResultV2;

export const json = (statusCode: number, body: unknown): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** What a client sees for an error; unexpected errors say nothing about internals. */
export const errorResponse = (error: unknown): HttpResponse => {
  if (error instanceof ValidationError) {
    return json(400, { error: error.code, message: error.message, errors: error.issues });
  }
  if (error instanceof AlertNotPendingError) {
    return json(409, {
      error: error.code,
      message: error.message,
      currentStatus: error.currentStatus,
      ...(error.resolvedAt === undefined ? {} : { resolvedAt: error.resolvedAt }),
    });
  }
  if (error instanceof AlertAlreadyResolvedError) {
    return json(409, { error: error.code, message: error.message, resolvedAt: error.resolvedAt });
  }
  if (error instanceof DomainError)
    return json(error.httpStatus, { error: error.code, message: error.message });
  if (error instanceof UnauthorizedError) return json(401, { error: 'UNAUTHORIZED', message: error.message });
  return json(500, { error: 'INTERNAL_ERROR', message: 'internal error' });
};

/** True when the error is the caller's (4xx) rather than ours: those are not logged as errors. */
export const isClientError = (error: unknown): boolean =>
  error instanceof DomainError || error instanceof UnauthorizedError;
