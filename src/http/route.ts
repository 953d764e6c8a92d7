import type { Context } from 'aws-lambda';
import { logger } from '../observability';
import type { HttpApiEvent } from './request';
import { errorResponse, type HttpResponse, isClientError } from './response';

/**
 * Runs one HTTP API route: a domain error becomes its status, anything else a 500, logged once with the
 * ids the request concerns. Client errors (4xx) are logged at info: they are the caller's, not ours.
 */
export const httpRoute =
  (route: (event: HttpApiEvent) => Promise<HttpResponse>) =>
  async (event: HttpApiEvent, _context?: Context): Promise<HttpResponse> => {
    try {
      return await route(event);
    } catch (error) {
      const context = { routeKey: event.routeKey, alertId: event.pathParameters?.alertId, error };
      if (isClientError(error)) logger.info('request rejected', context);
      else logger.error('request failed', context);
      return errorResponse(error);
    }
  };
