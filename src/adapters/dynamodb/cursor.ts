import { ValidationError } from '../../domain/errors';
import { isRecord } from './item-fields';

/**
 * The opaque cursor of every paged read: base64url of a JSON payload. Callers never look inside; the
 * store that wrote it validates it on the way back, so a tampered or foreign cursor is a 400, not a 500.
 */
export const encodeCursor = (payload: unknown): string =>
  Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');

export const invalidCursor = (message: string): ValidationError =>
  new ValidationError(`invalid cursor: ${message}`, [{ path: 'cursor', message }]);

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The decoded payload, still unknown: each store narrows it to its own shape. */
export const decodeCursor = (cursor: string): unknown => {
  if (!BASE64URL.test(cursor)) throw invalidCursor('not a cursor this API returned');
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('not a cursor this API returned');
  }
};

/** Key attribute types, as in a table's AttributeDefinitions. */
export type KeyShape = Record<string, 'S' | 'N'>;

/** Narrows a decoded value to a key with exactly the attributes of `shape`. */
export const parseKey = (value: unknown, shape: KeyShape): Record<string, string | number> => {
  if (!isRecord(value)) throw invalidCursor('malformed position');
  const names = Object.keys(shape);
  if (Object.keys(value).length !== names.length) throw invalidCursor('malformed position');
  const key: Record<string, string | number> = {};
  for (const name of names) {
    const attribute = value[name];
    if (shape[name] === 'S' && typeof attribute === 'string' && attribute.length > 0) key[name] = attribute;
    else if (shape[name] === 'N' && typeof attribute === 'number' && Number.isFinite(attribute))
      key[name] = attribute;
    else throw invalidCursor(`malformed position (${name})`);
  }
  return key;
};

/** The key attributes of a stored item (what ExclusiveStartKey resumes after). */
export const keyOf = (item: Record<string, unknown>, shape: KeyShape): Record<string, unknown> =>
  Object.fromEntries(Object.keys(shape).map((name) => [name, item[name]]));
