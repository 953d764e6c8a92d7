import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricsOptions } from '@aws-lambda-powertools/metrics/types';
import type { ObservabilityConfig } from './config';

type MetricsDiagnostics = NonNullable<MetricsOptions['logger']>;

// Powertools warns on every flush that has nothing to publish. Handlers that emit no metric on a given
// invocation (queries, most of the time) are normal here, so that one message is demoted to DEBUG.
const EMPTY_FLUSH_WARNING = 'No application metrics to publish';

/** Routes Metrics' own warnings through the JSON logger instead of bare console lines. */
export const metricsDiagnostics = (logger: Logger): MetricsDiagnostics => ({
  debug: (message: string) => logger.debug(String(message)),
  info: (message: string) => logger.info(String(message)),
  warn: (message: string) =>
    String(message).startsWith(EMPTY_FLUSH_WARNING)
      ? logger.debug(String(message))
      : logger.warn(String(message)),
  error: (message: string) => logger.error(String(message)),
});

/**
 * EMF lines go straight to stdout (Powertools never routes them through the logger), which CloudWatch
 * turns into metrics in Lambda and the local runtime simply prints. Every metric carries the `service`
 * dimension Powertools adds by default; the dashboard and alarms query on it.
 */
export const createMetrics = (config: ObservabilityConfig, logger: Logger): Metrics => {
  const metrics = new Metrics({
    namespace: config.namespace,
    serviceName: config.serviceName,
    logger: metricsDiagnostics(logger),
  });
  // Not every invocation has something to count; an empty flush must never fail a handler.
  metrics.setThrowOnEmptyMetrics(false);
  return metrics;
};
