import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Captured, captureOutput } from './capture';
import { loadObservability } from './load';

const { logger, loggerFor, withCorrelation } = await loadObservability();

const KEYS = { alertId: 'alert-1', stationId: 'station-7', sequenceNumber: '4900000000000000001' };

let out: Captured;
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => {
  out.restore();
  logger.resetKeys();
});

const lineSaying = (message: string): Record<string, unknown> => {
  const line = out.logs().find((l) => l.message === message);
  expect(line, `a log line saying "${message}"`).toBeDefined();
  return line as Record<string, unknown>;
};

describe('withCorrelation', () => {
  it('puts the keys on every line inside and takes them off afterwards', () => {
    const result = withCorrelation(KEYS, () => {
      logger.info('inside');
      return 42;
    });
    logger.info('after');

    expect(result).toBe(42);
    expect(lineSaying('inside')).toMatchObject(KEYS);
    const after = lineSaying('after');
    for (const key of Object.keys(KEYS)) expect(after).not.toHaveProperty(key);
  });

  it('keeps the keys until an async callback settles', async () => {
    const result = await withCorrelation(KEYS, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      logger.info('inside, later');
      return 'done';
    });
    logger.info('after');

    expect(result).toBe('done');
    expect(lineSaying('inside, later')).toMatchObject(KEYS);
    expect(lineSaying('after')).not.toHaveProperty('alertId');
  });

  it('takes the keys off when the callback throws or rejects', async () => {
    expect(() =>
      withCorrelation(KEYS, () => {
        throw new Error('sync failure');
      }),
    ).toThrow('sync failure');
    await expect(
      withCorrelation(KEYS, async () => {
        throw new Error('async failure');
      }),
    ).rejects.toThrow('async failure');
    logger.info('after failures');

    expect(lineSaying('after failures')).not.toHaveProperty('alertId');
    expect(lineSaying('after failures')).not.toHaveProperty('sequenceNumber');
  });

  it('hands an outer value back when a nested call set the same key', () => {
    withCorrelation({ requestId: 'req-1', alertId: 'outer' }, () => {
      withCorrelation({ alertId: 'inner', stationId: 'station-9' }, () => logger.info('nested'));
      logger.info('back in outer');
    });

    expect(lineSaying('nested')).toMatchObject({
      requestId: 'req-1',
      alertId: 'inner',
      stationId: 'station-9',
    });
    const outer = lineSaying('back in outer');
    expect(outer).toMatchObject({ requestId: 'req-1', alertId: 'outer' });
    expect(outer).not.toHaveProperty('stationId');
  });

  it('adds no key for an undefined or empty value', () => {
    withCorrelation({ alertId: undefined, stationId: '', requestId: 'req-2' }, () => logger.info('partial'));

    const line = lineSaying('partial');
    expect(line.requestId).toBe('req-2');
    expect(line).not.toHaveProperty('alertId');
    expect(line).not.toHaveProperty('stationId');
  });
});

describe('loggerFor', () => {
  it('gives a child that carries the keys while the shared logger does not', () => {
    const child = loggerFor(KEYS);
    child.info('from child');
    logger.info('from shared');

    expect(lineSaying('from child')).toMatchObject({ ...KEYS, service: 'ai-ops' });
    expect(lineSaying('from shared')).not.toHaveProperty('alertId');
  });

  it('redacts like its parent', () => {
    loggerFor(KEYS).info('child with header', { headers: { Authorization: 'Bearer secret-token-value' } });

    expect(lineSaying('child with header')).toMatchObject({ headers: { Authorization: '[REDACTED]' } });
    expect(out.raw()).not.toContain('secret-token-value');
  });
});
