import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type DoctorCheck, doctorPassed, formatDoctorReport, runDoctor } from '../../src/cli/doctor';
import { createTableInput } from '../../src/local/create-tables';
import { freePort, LOCAL_REGION, localClientConfig } from '../../src/local/dynamodb-local';
import type { TableResource } from '../../src/local/service-definition';
import { createTestTables, type TestTables } from '../support/tables';

const resources = (): TableResource[] => inject('tableResources');

const resourceOf = (logicalId: string): TableResource => {
  const found = resources().find((r) => r.logicalId === logicalId);
  if (!found) throw new Error(`no ${logicalId} in the service definition`);
  return found;
};

const declaredName = (logicalId: string): string => {
  const name = createTableInput(resourceOf(logicalId)).TableName;
  if (!name) throw new Error(`${logicalId} has no TableName`);
  return name;
};

/**
 * The rename createTestTables applied: it suffixes every declared name with the same `-xxxxxxxx`, so the
 * suffix is what the physical alerts table name adds to the declared one.
 */
const renameOf = (tables: TestTables): ((name: string) => string) => {
  const declared = declaredName('AlertsTable');
  if (!tables.names.alerts.startsWith(declared)) throw new Error('test tables are not suffixed as expected');
  const suffix = tables.names.alerts.slice(declared.length);
  return (name) => `${name}${suffix}`;
};

const byName = (checks: DoctorCheck[], name: string): DoctorCheck => {
  const found = checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check named ${name} in ${checks.map((c) => c.name).join(', ')}`);
  return found;
};

describe('ai-ops doctor', () => {
  let t: TestTables;
  beforeAll(async () => {
    t = await createTestTables();
  });

  it('passes every check on the tables the harness built from the definition', async () => {
    const checks = await runDoctor({ client: t.client, tables: resources(), rename: renameOf(t) });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(doctorPassed(checks)).toBe(true);
    expect(checks[0]?.name).toBe('connection');
    const alerts = t.names.alerts;
    expect(byName(checks, `${alerts}: key schema`).detail).toBe('alertId (S) HASH');
    expect(byName(checks, `${alerts}: GSI StatusIndex`).detail).toContain(
      'status (S) HASH, createdAt (N) RANGE',
    );
    expect(byName(checks, `${alerts}: stream`).detail).toBe('NEW_AND_OLD_IMAGES');
    expect(byName(checks, `${t.names.audit}: GSI AlertIndex`).ok).toBe(true);
    expect(byName(checks, `${t.names.audit}: GSI TimeIndex`).ok).toBe(true);
    expect(byName(checks, `${t.names.audit}: TTL`).detail).toContain('ttl');
    expect(byName(checks, `${t.names.audit}: stream`).detail).toBe('none, as declared');
    expect(byName(checks, `${t.names.alerts}: TTL`).detail).toBe('none, as declared');
    // connection + per table: exists, key schema, stream, TTL, and one per declared GSI.
    const gsis = resources().reduce(
      (n, r) => n + (createTableInput(r).GlobalSecondaryIndexes?.length ?? 0),
      0,
    );
    expect(checks).toHaveLength(1 + resources().length * 4 + gsis);
  });

  it('fails the GSI check of an alerts table created without StatusIndex, and only that one', async () => {
    const suffix = `-nogsi-${randomUUID().slice(0, 8)}`;
    const rename = (name: string) => `${name}${suffix}`;
    const input = createTableInput(resourceOf('AlertsTable'));
    // The table's other indexes (SilenceIndex) stay: only StatusIndex is missing.
    const kept = (input.GlobalSecondaryIndexes ?? []).filter((i) => i.IndexName !== 'StatusIndex');
    const keyNames = new Set([
      'alertId',
      ...kept.flatMap((i) => (i.KeySchema ?? []).map((k) => k.AttributeName)),
    ]);
    const name = rename(declaredName('AlertsTable'));
    await t.client.send(
      new CreateTableCommand({
        ...input,
        TableName: name,
        GlobalSecondaryIndexes: kept.length > 0 ? kept : undefined,
        // Without the index, its key attributes may not be declared either.
        AttributeDefinitions: (input.AttributeDefinitions ?? []).filter((a) => keyNames.has(a.AttributeName)),
      }),
    );
    const checks = await runDoctor({ client: t.client, tables: [resourceOf('AlertsTable')], rename });
    expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([`${name}: GSI StatusIndex`]);
    expect(byName(checks, `${name}: GSI StatusIndex`).detail).toContain('missing');
    expect(doctorPassed(checks)).toBe(false);
  });

  it('fails the stream and TTL checks of a table built without them', async () => {
    const suffix = `-bare-${randomUUID().slice(0, 8)}`;
    const rename = (name: string) => `${name}${suffix}`;
    const input = createTableInput(resourceOf('MetricsTable'));
    const name = rename(declaredName('MetricsTable'));
    await t.client.send(
      new CreateTableCommand({ ...input, TableName: name, StreamSpecification: undefined }),
    );
    const checks = await runDoctor({ client: t.client, tables: [resourceOf('MetricsTable')], rename });
    expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([`${name}: stream`, `${name}: TTL`]);
    expect(byName(checks, `${name}: stream`).detail).toBe('expected NEW_AND_OLD_IMAGES, found none');
  });

  it('reports a missing table by name and skips its other checks', async () => {
    const rename = (name: string) => `${name}-absent-${randomUUID().slice(0, 8)}`;
    const checks = await runDoctor({ client: t.client, tables: [resourceOf('AuditTable')], rename });
    expect(checks.map((c) => [c.name.endsWith(': exists'), c.ok])).toEqual([
      [false, true],
      [true, false],
    ]);
    expect(checks[1]?.detail).toContain('missing');
  });

  it('fails the connection check when nothing answers, and checks nothing else', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const client = new DynamoDBClient({
      ...localClientConfig(endpoint),
      region: LOCAL_REGION,
      maxAttempts: 1,
    });
    try {
      const checks = await runDoctor({ client, tables: resources() });
      expect(checks).toHaveLength(1);
      expect(checks[0]).toMatchObject({ name: 'connection', ok: false });
      expect(checks[0]?.detail).toContain('did not answer');
    } finally {
      client.destroy();
    }
  });

  it('formats one line per check with a tick or a cross', () => {
    expect(
      formatDoctorReport([
        { name: 'connection', ok: true, detail: 'DynamoDB answered' },
        { name: 'ai-ops-alerts-dev: GSI StatusIndex', ok: false, detail: 'missing' },
      ]),
    ).toBe('✔ connection — DynamoDB answered\n✘ ai-ops-alerts-dev: GSI StatusIndex — missing');
  });
});
