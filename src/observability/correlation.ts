import type { Logger } from '@aws-lambda-powertools/logger';
import { logger as processLogger } from './instances';

/** The keys that tie one alert's log lines together across functions (see docs/operations.md). */
export interface CorrelationKeys {
  alertId?: string;
  stationId?: string;
  /** The DynamoDB stream record's SequenceNumber. */
  sequenceNumber?: string;
  /** The HTTP API request id (requestContext.requestId). */
  requestId?: string;
}

export const CORRELATION_KEY_NAMES = ['alertId', 'stationId', 'sequenceNumber', 'requestId'] as const;

type KeyValues = Record<string, string>;

const definedKeys = (keys: CorrelationKeys): KeyValues => {
  const out: KeyValues = {};
  for (const name of CORRELATION_KEY_NAMES) {
    const value = keys[name];
    if (value !== undefined && value !== '') out[name] = value;
  }
  return out;
};

// What each logger currently carries through withCorrelation, so a nested call that sets the same key
// hands the outer value back instead of dropping it.
const active = new WeakMap<Logger, KeyValues>();

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/**
 * Runs `fn` with the keys on every line the shared logger prints, then takes them off again (also when
 * `fn` throws or rejects). The keys live on a process-wide logger: use this for records handled one at a
 * time (a batch processed sequentially); for records handled concurrently use `loggerFor`.
 */
export function withCorrelation<T>(keys: CorrelationKeys, fn: () => Promise<T>, target?: Logger): Promise<T>;
export function withCorrelation<T>(keys: CorrelationKeys, fn: () => T, target?: Logger): T;
export function withCorrelation<T>(
  keys: CorrelationKeys,
  fn: () => T | Promise<T>,
  target: Logger = processLogger,
): T | Promise<T> {
  const added = definedKeys(keys);
  const outer = active.get(target) ?? {};
  active.set(target, { ...outer, ...added });
  target.appendKeys(added);

  const restore = (): void => {
    const names = Object.keys(added);
    target.removeKeys(names.filter((name) => outer[name] === undefined));
    const shadowed = Object.fromEntries(
      names.flatMap((name) => (outer[name] === undefined ? [] : [[name, outer[name]]])),
    );
    if (Object.keys(shadowed).length > 0) target.appendKeys(shadowed);
    active.set(target, outer);
  };

  let result: T | Promise<T>;
  try {
    result = fn();
  } catch (error) {
    restore();
    throw error;
  }
  if (isPromiseLike(result)) return Promise.resolve(result).finally(restore);
  restore();
  return result;
}

/** A child of the shared logger that always carries the keys; safe when records are handled in parallel. */
export const loggerFor = (keys: CorrelationKeys, parent: Logger = processLogger): Logger =>
  parent.createChild({ persistentKeys: definedKeys(keys) });
