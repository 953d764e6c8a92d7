/** What the logger, metrics and tracer are built from; read once per process from the environment. */
export interface ObservabilityConfig {
  serviceName: string;
  namespace: string;
  logLevel: ObservabilityLogLevel;
}

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type ObservabilityLogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_SERVICE_NAME = 'ai-ops';
export const DEFAULT_METRICS_NAMESPACE = 'AiOps';
export const DEFAULT_LOG_LEVEL: ObservabilityLogLevel = 'INFO';

const isLogLevel = (value: string): value is ObservabilityLogLevel =>
  (LOG_LEVELS as readonly string[]).includes(value);

const nonEmpty = (value: string | undefined): string | undefined =>
  value !== undefined && value.trim() !== '' ? value.trim() : undefined;

/**
 * Reads the settings serverless.yml puts in provider.environment. The defaults match that file, so a
 * process started without them (tests, the local runtime) logs and measures under the same names as the
 * stack. The level is upper-cased here because Powertools only accepts upper case from the environment
 * and otherwise silently falls back to INFO.
 */
export const readObservabilityConfig = (env: NodeJS.ProcessEnv = process.env): ObservabilityConfig => {
  const level = (nonEmpty(env.POWERTOOLS_LOG_LEVEL) ?? nonEmpty(env.LOG_LEVEL))?.toUpperCase();
  return {
    serviceName: nonEmpty(env.POWERTOOLS_SERVICE_NAME) ?? DEFAULT_SERVICE_NAME,
    namespace: nonEmpty(env.POWERTOOLS_METRICS_NAMESPACE) ?? DEFAULT_METRICS_NAMESPACE,
    logLevel: level !== undefined && isLogLevel(level) ? level : DEFAULT_LOG_LEVEL,
  };
};
