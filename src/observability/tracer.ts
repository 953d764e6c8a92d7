import { Tracer } from '@aws-lambda-powertools/tracer';
import type { ObservabilityConfig } from './config';

/**
 * Powertools enables tracing only when AWS_EXECUTION_ENV is set (i.e. inside Lambda) and
 * POWERTOOLS_TRACE_ENABLED is not 'false'. Outside Lambda it is a no-op, so nothing here needs AWS.
 * A local runtime that fakes AWS_EXECUTION_ENV must also set POWERTOOLS_TRACE_ENABLED=false, or the X-Ray
 * SDK prints "Failed to get the current sub/segment" on every call.
 */
export const createTracer = (config: ObservabilityConfig): Tracer =>
  new Tracer({ serviceName: config.serviceName });
