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

/**
 * Field readers bound to one table, so errors name where the row came from. A class, not a bag of
 * closures: a backtest reads tens of thousands of rows a second, and a reader's methods then live once on
 * the prototype instead of being built again for every row.
 */
export class FieldReader {
  constructor(
    private readonly table: string,
    private readonly item: Item,
  ) {}

  private fail(attribute: string, expected: string): never {
    throw new MalformedItemError(this.table, attribute, expected);
  }

  private absent(name: string): boolean {
    return this.item[name] === undefined || this.item[name] === null;
  }

  string(name: string): string {
    const value = this.item[name];
    return typeof value === 'string' ? value : this.fail(name, 'a string');
  }

  number(name: string): number {
    const value = this.item[name];
    return typeof value === 'number' && Number.isFinite(value) ? value : this.fail(name, 'a number');
  }

  boolean(name: string): boolean {
    const value = this.item[name];
    return typeof value === 'boolean' ? value : this.fail(name, 'a boolean');
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T {
    const value = this.item[name];
    return values.find((v) => v === value) ?? this.fail(name, `one of ${values.join(', ')}`);
  }

  stringArray(name: string): string[] {
    const value = this.item[name];
    // An empty DynamoDB list comes back as []; a missing one is read as empty rather than failing.
    if (value === undefined) return [];
    return Array.isArray(value) && value.every((v) => typeof v === 'string')
      ? [...value]
      : this.fail(name, 'a list of strings');
  }

  record(name: string): Record<string, unknown> {
    const value = this.item[name];
    if (value === undefined) return {};
    return isRecord(value) ? value : this.fail(name, 'a map');
  }

  optionalString(name: string): string | undefined {
    return this.absent(name) ? undefined : this.string(name);
  }

  optionalNumber(name: string): number | undefined {
    return this.absent(name) ? undefined : this.number(name);
  }

  optionalRecord(name: string): Record<string, unknown> | undefined {
    return this.absent(name) ? undefined : this.record(name);
  }
}

export const fieldReader = (table: string, item: Item): FieldReader => new FieldReader(table, item);
