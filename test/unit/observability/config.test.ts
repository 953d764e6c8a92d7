import { describe, expect, it } from 'vitest';
import { readObservabilityConfig } from '../../../src/observability/config';

describe('readObservabilityConfig', () => {
  it('falls back to the names serverless.yml uses', () => {
    expect(readObservabilityConfig({})).toEqual({
      serviceName: 'ai-ops',
      namespace: 'AiOps',
      logLevel: 'INFO',
    });
  });

  it('reads the service, namespace and level from the environment', () => {
    const config = readObservabilityConfig({
      POWERTOOLS_SERVICE_NAME: 'other',
      POWERTOOLS_METRICS_NAMESPACE: 'Other',
      LOG_LEVEL: 'WARN',
    });
    expect(config).toEqual({ serviceName: 'other', namespace: 'Other', logLevel: 'WARN' });
  });

  it('accepts a lower-case level, which Powertools alone would ignore', () => {
    expect(readObservabilityConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('DEBUG');
  });

  it('prefers POWERTOOLS_LOG_LEVEL over LOG_LEVEL, as Powertools does', () => {
    expect(readObservabilityConfig({ POWERTOOLS_LOG_LEVEL: 'ERROR', LOG_LEVEL: 'DEBUG' }).logLevel).toBe(
      'ERROR',
    );
  });

  it('ignores an unknown level and blank names', () => {
    const config = readObservabilityConfig({ LOG_LEVEL: 'LOUD', POWERTOOLS_SERVICE_NAME: '  ' });
    expect(config.logLevel).toBe('INFO');
    expect(config.serviceName).toBe('ai-ops');
  });
});
