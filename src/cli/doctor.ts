import {
  type AttributeDefinition,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  ListTablesCommand,
  ResourceNotFoundException,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { createTableInput, ttlOf } from '../local/create-tables';
import type { TableResource } from '../local/service-definition';

/** One line of the doctor's report. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface DoctorOptions {
  client: DynamoDBClient;
  /** The tables of the service definition (tableResources of `serverless print`). */
  tables: readonly TableResource[];
  /** Maps a declared TableName to the physical one (tests suffix theirs). */
  rename?: (name: string) => string;
}

const check = (name: string, ok: boolean, detail: string): DoctorCheck => ({ name, ok, detail });

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** "alertId (S) HASH, createdAt (N) RANGE": the key as both sides can be compared and read. */
const describeKey = (
  keySchema: readonly KeySchemaElement[] | undefined,
  attributes: readonly AttributeDefinition[] | undefined,
): string =>
  [...(keySchema ?? [])]
    // HASH before RANGE, whatever order a description lists them in.
    .sort((a, b) => (a.KeyType === b.KeyType ? 0 : a.KeyType === 'HASH' ? -1 : 1))
    .map((k) => {
      const type = attributes?.find((a) => a.AttributeName === k.AttributeName)?.AttributeType ?? '?';
      return `${k.AttributeName} (${type}) ${k.KeyType}`;
    })
    .join(', ');

const keyCheck = (
  name: string,
  expected: string,
  actual: string,
  extra: { ok: boolean; detail: string } = { ok: true, detail: '' },
): DoctorCheck =>
  expected === actual
    ? check(name, extra.ok, `${actual}${extra.detail}`)
    : check(name, false, `expected ${expected}, found ${actual || 'no key'}`);

/** Key schema, indexes and stream of one existing table against its declaration. */
const shapeChecks = (resource: TableResource, name: string, table: TableDescription): DoctorCheck[] => {
  const declared = createTableInput(resource);
  const checks = [
    keyCheck(
      `${name}: key schema`,
      describeKey(declared.KeySchema, declared.AttributeDefinitions),
      describeKey(table.KeySchema, table.AttributeDefinitions),
    ),
  ];
  for (const index of declared.GlobalSecondaryIndexes ?? []) {
    const checkName = `${name}: GSI ${index.IndexName}`;
    const actual = table.GlobalSecondaryIndexes?.find((i) => i.IndexName === index.IndexName);
    if (!actual) {
      checks.push(check(checkName, false, 'missing: the table has no such global secondary index'));
      continue;
    }
    const projection = actual.Projection?.ProjectionType;
    const expectedProjection = index.Projection?.ProjectionType;
    const status = actual.IndexStatus ?? 'ACTIVE';
    checks.push(
      keyCheck(
        checkName,
        describeKey(index.KeySchema, declared.AttributeDefinitions),
        describeKey(actual.KeySchema, table.AttributeDefinitions),
        projection !== expectedProjection
          ? { ok: false, detail: `; projection ${projection}, expected ${expectedProjection}` }
          : { ok: status === 'ACTIVE', detail: `; projection ${projection}; ${status}` },
      ),
    );
  }
  const expectedStream = declared.StreamSpecification?.StreamViewType;
  const stream = table.StreamSpecification?.StreamEnabled
    ? table.StreamSpecification.StreamViewType
    : undefined;
  checks.push(
    check(
      `${name}: stream`,
      stream === expectedStream,
      stream === expectedStream
        ? (stream ?? 'none, as declared')
        : `expected ${expectedStream ?? 'none'}, found ${stream ?? 'none'}`,
    ),
  );
  return checks;
};

const ttlCheck = async (
  client: DynamoDBClient,
  resource: TableResource,
  name: string,
): Promise<DoctorCheck> => {
  const declared = ttlOf(resource);
  const expected = declared?.Enabled ? declared.AttributeName : undefined;
  const out = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
  const status = out.TimeToLiveDescription?.TimeToLiveStatus ?? 'DISABLED';
  // ENABLING is how a just-declared TTL looks until DynamoDB finishes turning it on.
  const actual =
    status === 'ENABLED' || status === 'ENABLING' ? out.TimeToLiveDescription?.AttributeName : undefined;
  const ok = actual === expected;
  const detail = ok
    ? expected
      ? `on attribute ${expected} (${status})`
      : 'none, as declared'
    : `expected ${expected ? `attribute ${expected}` : 'none'}, found ${actual ? `attribute ${actual}` : 'none'} (${status})`;
  return check(`${name}: TTL`, ok, detail);
};

const tableChecks = async (
  client: DynamoDBClient,
  resource: TableResource,
  rename: (name: string) => string,
): Promise<DoctorCheck[]> => {
  const name = rename(createTableInput(resource).TableName ?? resource.logicalId);
  let table: TableDescription | undefined;
  try {
    table = (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    const detail = error instanceof ResourceNotFoundException ? 'missing' : messageOf(error);
    // The other checks of a missing table would only repeat this one.
    return [check(`${name}: exists`, false, `${detail} (${resource.logicalId})`)];
  }
  const status = table?.TableStatus ?? 'unknown';
  const checks = [check(`${name}: exists`, status === 'ACTIVE', `${status} (${resource.logicalId})`)];
  if (!table) return checks;
  checks.push(...shapeChecks(resource, name, table));
  try {
    checks.push(await ttlCheck(client, resource, name));
  } catch (error) {
    checks.push(check(`${name}: TTL`, false, messageOf(error)));
  }
  return checks;
};

/**
 * Compares what DynamoDB has with what the service definition declares: the connection first, then
 * per table that it exists and is ACTIVE, its key schema, each declared GSI, its stream and its TTL.
 */
export const runDoctor = async (options: DoctorOptions): Promise<DoctorCheck[]> => {
  const rename = options.rename ?? ((name: string) => name);
  let connection: DoctorCheck;
  try {
    const out = await options.client.send(new ListTablesCommand({ Limit: 100 }));
    connection = check(
      'connection',
      true,
      `DynamoDB answered (${out.TableNames?.length ?? 0} tables listed)`,
    );
  } catch (error) {
    // Nothing else can be checked without an answer.
    return [check('connection', false, `DynamoDB did not answer: ${messageOf(error)}`)];
  }
  const perTable = await Promise.all(options.tables.map((t) => tableChecks(options.client, t, rename)));
  return [connection, ...perTable.flat()];
};

export const doctorPassed = (checks: readonly DoctorCheck[]): boolean => checks.every((c) => c.ok);

/** One line per check: `✔ name — detail` or `✘ name — detail`. */
export const formatDoctorReport = (checks: readonly DoctorCheck[]): string =>
  checks.map((c) => `${c.ok ? '✔' : '✘'} ${c.name} — ${c.detail}`).join('\n');
