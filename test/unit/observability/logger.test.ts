import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readObservabilityConfig } from '../../../src/observability/config';
import { createLogger } from '../../../src/observability/logger';
import { type Captured, captureOutput } from './capture';

let out: Captured;
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => out.restore());

describe('createLogger', () => {
  it('prints at and above the configured level only', () => {
    const logger = createLogger(readObservabilityConfig({ LOG_LEVEL: 'warn' }));
    logger.debug('debug line');
    logger.info('info line');
    logger.warn('warn line');
    logger.error('error line');

    expect(out.logs().map((line) => line.message)).toEqual(['warn line', 'error line']);
  });

  it('writes one single-line JSON object per call, named after the service', () => {
    const logger = createLogger(
      readObservabilityConfig({ POWERTOOLS_SERVICE_NAME: 'ai-ops', LOG_LEVEL: 'INFO' }),
    );
    logger.info('first', { alertId: 'a-1' });
    logger.info('second');

    const physicalLines = out.raw().trimEnd().split('\n');
    expect(physicalLines).toHaveLength(2);
    expect(out.logs()).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'first', service: 'ai-ops', alertId: 'a-1' }),
      expect.objectContaining({ level: 'INFO', message: 'second', service: 'ai-ops' }),
    ]);
  });
});
