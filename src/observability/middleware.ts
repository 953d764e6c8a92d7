import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';
import { logger, metrics, tracer } from './instances';

export interface ObserveOptions {
  /**
   * Log the incoming event (redacted). Unset leaves it to POWERTOOLS_LOGGER_LOG_EVENT, so a stage can
   * switch it on without a code change.
   */
  logEvent?: boolean;
  /** Put the handler's response in the X-Ray trace. Unset leaves it to POWERTOOLS_TRACER_CAPTURE_RESPONSE. */
  captureResponse?: boolean;
}

// HTTP API events carry their own request id; putting it on every line lets an API call be followed from
// the access log to the handler. Other events have no requestContext and are left alone.
const requestIdOf = (event: unknown): unknown =>
  typeof event === 'object' && event !== null && 'requestContext' in event
    ? (event.requestContext as { requestId?: unknown } | null)?.requestId
    : undefined;

const appendRequestId: MiddlewareObj = {
  before: ({ event }) => {
    const requestId = requestIdOf(event);
    if (typeof requestId === 'string' && requestId !== '') logger.appendKeys({ requestId });
  },
};

/**
 * The observability every handler gets: `middy(handler).use(observe())`.
 * Order matters: the logger goes first so the others' lines carry the Lambda context, and (middy runs
 * `after` in reverse) it resets the per-invocation keys last, after metrics have been flushed.
 */
export const observe = (options: ObserveOptions = {}): MiddlewareObj[] => [
  injectLambdaContext(logger, {
    resetKeys: true,
    ...(options.logEvent === undefined ? {} : { logEvent: options.logEvent }),
  }),
  appendRequestId,
  captureLambdaHandler(
    tracer,
    options.captureResponse === undefined ? {} : { captureResponse: options.captureResponse },
  ),
  logMetrics(metrics, { captureColdStartMetric: true, throwOnEmptyMetrics: false }),
];
