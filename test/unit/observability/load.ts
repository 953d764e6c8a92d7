import { vi } from 'vitest';

export type Observability = typeof import('../../../src/observability/index');

/**
 * vitest.config.ts silences the logger and disables metrics for the whole suite. These tests are about
 * exactly that output, so they switch it back on before the singletons are built. Each test file has its
 * own module graph, so call this (top-level await) before anything imports src/observability.
 */
export const loadObservability = async (): Promise<Observability> => {
  vi.stubEnv('LOG_LEVEL', 'INFO');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', '');
  vi.stubEnv('POWERTOOLS_DEV', 'false');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', '');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', '');
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', '');
  vi.stubEnv('AWS_EXECUTION_ENV', '');
  return import('../../../src/observability/index');
};
