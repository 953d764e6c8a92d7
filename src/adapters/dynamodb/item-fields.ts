/**
 * Readers for the attributes of a stored item. Items come back from DynamoDB as untyped records; these
 * check each field once at the boundary, so a corrupt or foreign row fails loudly with its name instead
 * of leaking a wrong shape into the domain.
 */

export type Item = Record<string, unknown>;

export class MalformedItemError extends Error {
  constructor(
    readonly table: string,
    readonly attribute: string,
    expected: string,
  ) {
    super(`item in ${table}: attribute ${attribute} is not ${expected}`);
    this.name = 'MalformedItemError';
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Field readers bound to one table, so errors name where the row came from. */
export const fieldReader = (table: string, item: Item) => {
  const fail = (attribute: string, expected: string): never => {
    throw new MalformedItemError(table, attribute, expected);
  };
  const string = (name: string): string => {
    const value = item[name];
    return typeof value === 'string' ? value : fail(name, 'a string');
  };
  const number = (name: string): number => {
    const value = item[name];
    return typeof value === 'number' && Number.isFinite(value) ? value : fail(name, 'a number');
  };
  const boolean = (name: string): boolean => {
    const value = item[name];
    return typeof value === 'boolean' ? value : fail(name, 'a boolean');
  };
  const optional =
    <T>(read: (name: string) => T) =>
    (name: string): T | undefined =>
      item[name] === undefined || item[name] === null ? undefined : read(name);
  const oneOf = <T extends string>(name: string, values: readonly T[]): T => {
    const value = item[name];
    return values.find((v) => v === value) ?? fail(name, `one of ${values.join(', ')}`);
  };
  const stringArray = (name: string): string[] => {
    const value = item[name];
    // An empty DynamoDB list comes back as []; a missing one is read as empty rather than failing.
    if (value === undefined) return [];
    return Array.isArray(value) && value.every((v) => typeof v === 'string')
      ? [...value]
      : fail(name, 'a list of strings');
  };
  const record = (name: string): Record<string, unknown> => {
    const value = item[name];
    if (value === undefined) return {};
    return isRecord(value) ? value : fail(name, 'a map');
  };
  return {
    string,
    number,
    boolean,
    oneOf,
    stringArray,
    record,
    optionalString: optional(string),
    optionalNumber: optional(number),
    optionalRecord: optional(record),
  };
};
