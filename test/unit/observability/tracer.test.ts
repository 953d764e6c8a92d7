import { afterEach, describe, expect, it, vi } from 'vitest';
import { readObservabilityConfig } from '../../../src/observability/config';
import { createTracer } from '../../../src/observability/tracer';

afterEach(() => vi.unstubAllEnvs());

const tracerWith = (env: Record<string, string>) => {
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  return createTracer(readObservabilityConfig({}));
};

describe('createTracer', () => {
  it('is off outside Lambda (no AWS_EXECUTION_ENV), whatever POWERTOOLS_TRACE_ENABLED says', () => {
    expect(tracerWith({ AWS_EXECUTION_ENV: '', POWERTOOLS_TRACE_ENABLED: '' }).isTracingEnabled()).toBe(
      false,
    );
    expect(tracerWith({ AWS_EXECUTION_ENV: '', POWERTOOLS_TRACE_ENABLED: 'true' }).isTracingEnabled()).toBe(
      false,
    );
  });

  it('is on in Lambda, and POWERTOOLS_TRACE_ENABLED=false turns it off (what a local runtime faking Lambda sets)', () => {
    expect(
      tracerWith({
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        POWERTOOLS_TRACE_ENABLED: '',
      }).isTracingEnabled(),
    ).toBe(true);
    expect(
      tracerWith({
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        POWERTOOLS_TRACE_ENABLED: 'false',
      }).isTracingEnabled(),
    ).toBe(false);
  });
});
