import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { guardItemFor, guardKeyFor, isAlertItem } from '../../../src/adapters/dynamodb/alert-item';
import { DynamoAlertStore } from '../../../src/adapters/dynamodb/alert-store';
import {
  AlertAlreadyExistsError,
  AlertNotFoundError,
  AlertNotPendingError,
  ValidationError,
} from '../../../src/domain/errors';
import type { AlertQuery } from '../../../src/domain/ports';
import type { Alert, AlertStatus } from '../../../src/domain/types';
import { createTestTables, type TestTables } from '../../support/tables';
import { alertFixture, failFirst, localDoc, recordingSleep, transactionConflict } from './fixtures';

const T0 = 1_700_000_000_000;

/** A fresh table per describe block keeps listings independent of other tests' rows. */
const freshStore = async (): Promise<{ t: TestTables; store: DynamoAlertStore }> => {
  const t = await createTestTables();
  return {
    t,
    store: new DynamoAlertStore({
      doc: t.doc,
      tableName: t.names.alerts,
      retry: { sleep: recordingSleep().sleep },
    }),
  };
};

/** Every page of a listing, following nextCursor to the end. */
const allPages = async (store: DynamoAlertStore, query: Omit<AlertQuery, 'cursor'>): Promise<Alert[][]> => {
  const pages: Alert[][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const page = await store.list({ ...query, ...(cursor ? { cursor } : {}) });
    pages.push(page.items);
    if (page.nextCursor === null) return pages;
    cursor = page.nextCursor;
  }
  throw new Error('listing never ended');
};

const ids = (pages: Alert[][]): string[][] => pages.map((p) => p.map((a) => a.alertId));

const expectValidationOnCursor = async (promise: Promise<unknown>): Promise<void> => {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['cursor']);
};

describe('DynamoAlertStore create/get', () => {
  let store: DynamoAlertStore;
  let t: TestTables;
  beforeAll(async () => {
    ({ t, store } = await freshStore());
  });

  it('creates an alert and gets it back attribute for attribute', async () => {
    const alert = alertFixture({
      stepFunctionExecutionArn: 'arn:aws:states:eu-west-1:000000000000:execution:remediate:alert-x',
      remediation: {
        status: 'SUCCEEDED',
        plan: { steps: ['dispatch van'] },
        completedAt: '2024-01-01T00:00:00Z',
      },
      metadata: { nested: { list: [1, 'two'], flag: true } },
    });
    await store.create(alert);
    expect(await store.get(alert.alertId)).toEqual(alert);
  });

  it('refuses to create an alert twice and keeps the first', async () => {
    const alert = alertFixture();
    await store.create(alert);
    const error = await store.create({ ...alert, title: 'overwritten?' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertAlreadyExistsError);
    expect((error as AlertAlreadyExistsError).alertId).toBe(alert.alertId);
    expect((await store.get(alert.alertId))?.title).toBe(alert.title);
  });

  it('gets nothing for an unknown id or a guard row', async () => {
    expect(await store.get('no-such-alert')).toBeUndefined();
    const guard = guardItemFor({ alertId: 'a-1', stationId: 'ST-G', alertType: 'HIGH_DEMAND' });
    await t.doc.send(new PutCommand({ TableName: t.names.alerts, Item: { ...guard } }));
    expect(await store.get(guard.alertId)).toBeUndefined();
  });

  it('tells guard rows from alerts', () => {
    const alert = alertFixture();
    expect(isAlertItem({ ...alert })).toBe(true);
    expect(isAlertItem({ ...guardItemFor(alert) })).toBe(false);
    expect(isAlertItem(undefined)).toBe(false);
    expect(guardKeyFor('ST-1', 'FAULT_PATTERN')).toBe('OPEN#ST-1#FAULT_PATTERN');
  });
});

describe('DynamoAlertStore list', () => {
  let store: DynamoAlertStore;
  let t: TestTables;
  const statuses: AlertStatus[] = [
    'PENDING',
    'APPROVED',
    'PENDING',
    'REJECTED',
    'APPROVED',
    'PENDING',
    'REJECTED',
  ];
  // alert i created at T0 + i minutes; stations alternate so a station filter thins out the pages.
  const alerts = statuses.map((status, i) =>
    alertFixture({
      alertId: `list-${i}`,
      status,
      createdAt: T0 + i * 60_000,
      stationId: i % 3 === 0 ? 'ST-X' : 'ST-Y',
    }),
  );
  const newestFirst = (selected: Alert[]) =>
    [...selected].sort((a, b) => b.createdAt - a.createdAt).map((a) => a.alertId);

  beforeAll(async () => {
    ({ t, store } = await freshStore());
    for (const alert of alerts) await store.create(alert);
    // Guard rows live in the same table; no listing may return them.
    const guard = guardItemFor(alerts[0] as Alert);
    await t.doc.send(new PutCommand({ TableName: t.names.alerts, Item: { ...guard } }));
  });

  it('pages one status newest first, limit 2, with a null cursor on the last page', async () => {
    const pending = alerts.filter((a) => a.status === 'PENDING');
    expect(ids(await allPages(store, { status: 'PENDING', limit: 2 }))).toEqual([
      ['list-5', 'list-2'],
      ['list-0'],
    ]);
    expect(newestFirst(pending)).toEqual(['list-5', 'list-2', 'list-0']);
  });

  it('returns null nextCursor when the last page is exactly full', async () => {
    const page = await store.list({ status: 'APPROVED', limit: 2 });
    expect(page.items.map((a) => a.alertId)).toEqual(['list-4', 'list-1']);
    expect(page.nextCursor).toBeNull();
  });

  it('merges the three statuses newest first across pages, each alert exactly once', async () => {
    const pages = await allPages(store, { limit: 2 });
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 1]);
    expect(pages.flat().map((a) => a.alertId)).toEqual(newestFirst(alerts));
  });

  it('pages a stationId filter that leaves pages sparse, with and without status', async () => {
    const x = alerts.filter((a) => a.stationId === 'ST-X');
    expect(x.map((a) => a.alertId)).toEqual(['list-0', 'list-3', 'list-6']);
    expect(ids(await allPages(store, { stationId: 'ST-X', limit: 2 }))).toEqual([
      ['list-6', 'list-3'],
      ['list-0'],
    ]);
    const yPending = newestFirst(alerts.filter((a) => a.stationId === 'ST-Y' && a.status === 'PENDING'));
    expect(ids(await allPages(store, { status: 'PENDING', stationId: 'ST-Y', limit: 1 }))).toEqual(
      yPending.map((id) => [id]),
    );
    expect(await store.list({ stationId: 'ST-NONE', limit: 2 })).toEqual({ items: [], nextCursor: null });
  });

  it('resumes exactly after the last returned alert when a filter skipped past it', async () => {
    // ST-X's PENDING alerts are list-0 only; ST-Y's: list-5, list-2. Limit 1 stops between them.
    const first = await store.list({ status: 'PENDING', stationId: 'ST-Y', limit: 1 });
    expect(first.items.map((a) => a.alertId)).toEqual(['list-5']);
    const second = await store.list({
      status: 'PENDING',
      stationId: 'ST-Y',
      limit: 5,
      cursor: first.nextCursor ?? '',
    });
    expect(second.items.map((a) => a.alertId)).toEqual(['list-2']);
    expect(second.nextCursor).toBeNull();
  });

  it('rejects a malformed cursor or one of another listing with ValidationError on cursor', async () => {
    await expectValidationOnCursor(store.list({ limit: 2, cursor: 'not a cursor!' }));
    await expectValidationOnCursor(
      store.list({ limit: 2, cursor: Buffer.from('{oops').toString('base64url') }),
    );
    await expectValidationOnCursor(
      store.list({
        limit: 2,
        cursor: Buffer.from(JSON.stringify({ v: 1, q: {}, p: [] })).toString('base64url'),
      }),
    );
    const bad = { v: 1, q: { status: null, stationId: null }, p: { PENDING: { id: 'x', t: 'soon' } } };
    await expectValidationOnCursor(
      store.list({ limit: 2, cursor: Buffer.from(JSON.stringify(bad)).toString('base64url') }),
    );
    const other = await store.list({ status: 'PENDING', limit: 1 });
    await expectValidationOnCursor(
      store.list({ status: 'APPROVED', limit: 1, cursor: other.nextCursor ?? '' }),
    );
    await expectValidationOnCursor(store.list({ limit: 1, cursor: other.nextCursor ?? '' }));
  });

  it('rejects a limit below 1', async () => {
    await expect(store.list({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('DynamoAlertStore decide', () => {
  let store: DynamoAlertStore;
  let t: TestTables;
  beforeAll(async () => {
    ({ t, store } = await freshStore());
  });

  it('approves a PENDING alert', async () => {
    const alert = alertFixture();
    await store.create(alert);
    const decided = await store.decide(alert.alertId, { kind: 'approve', by: 'ops@example.com', at: T0 + 5 });
    const expected = {
      ...alert,
      status: 'APPROVED',
      approvedAt: T0 + 5,
      approvedBy: 'ops@example.com',
      updatedAt: T0 + 5,
    };
    expect(decided).toEqual(expected);
    expect(await store.get(alert.alertId)).toEqual(expected);
  });

  it('rejects a PENDING alert with its reason', async () => {
    const alert = alertFixture();
    await store.create(alert);
    const decided = await store.decide(alert.alertId, {
      kind: 'reject',
      by: 'lead',
      at: T0 + 9,
      reason: 'false alarm',
    });
    expect(decided).toMatchObject({
      status: 'REJECTED',
      rejectedAt: T0 + 9,
      rejectedBy: 'lead',
      rejectionReason: 'false alarm',
    });
    expect(decided.approvedAt).toBeUndefined();
  });

  it('refuses to decide an alert that is not PENDING, naming its status', async () => {
    const alert = alertFixture({ status: 'REJECTED' });
    await store.create(alert);
    const error = await store
      .decide(alert.alertId, { kind: 'approve', by: 'x', at: T0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertNotPendingError);
    expect((error as AlertNotPendingError).currentStatus).toBe('REJECTED');
    expect((await store.get(alert.alertId))?.approvedBy).toBeUndefined();
  });

  it('reports an unknown alert as not found', async () => {
    await expect(store.decide('missing', { kind: 'approve', by: 'x', at: T0 })).rejects.toBeInstanceOf(
      AlertNotFoundError,
    );
  });

  it('lets exactly one of 20 concurrent decisions win; the others see AlertNotPendingError', async () => {
    const alert = alertFixture();
    await store.create(alert);
    const doc = localDoc(t.endpoint);
    const sendSpy = vi.spyOn(doc, 'send');
    const racers = new DynamoAlertStore({ doc, tableName: t.names.alerts });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        racers.decide(
          alert.alertId,
          i % 2 === 0
            ? { kind: 'approve', by: `approver-${i}`, at: T0 + i }
            : { kind: 'reject', by: `rejecter-${i}`, at: T0 + i, reason: `no ${i}` },
        ),
      ),
    );
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const error of lost) expect(error).toBeInstanceOf(AlertNotPendingError);
    const winner = won[0] as Alert;
    for (const error of lost) expect((error as AlertNotPendingError).currentStatus).toBe(winner.status);
    expect(await store.get(alert.alertId)).toEqual(winner);
    // The race was real: several deciders passed the PENDING read and sent their conditional update.
    expect(sendSpy.mock.calls.filter(([c]) => c instanceof UpdateCommand).length).toBeGreaterThan(1);
  });

  it('retries a decision that conflicted with a transaction, then reports a rival that won meanwhile', async () => {
    const alert = alertFixture();
    await store.create(alert);
    const doc = localDoc(t.endpoint);
    const { sleep, delays } = recordingSleep();
    const { failures } = failFirst(doc, (c) => c instanceof UpdateCommand, 2, transactionConflict);
    const retrying = new DynamoAlertStore({ doc, tableName: t.names.alerts, retry: { sleep } });
    expect(await retrying.decide(alert.alertId, { kind: 'approve', by: 'x', at: T0 })).toMatchObject({
      status: 'APPROVED',
    });
    expect([failures(), delays.length]).toEqual([2, 2]);

    // Out of attempts while another decider got through: the loser learns the status it lost to.
    const contested = alertFixture();
    await store.create(contested);
    const stuck = localDoc(t.endpoint);
    failFirst(
      stuck,
      (c) => c instanceof UpdateCommand,
      Number.POSITIVE_INFINITY,
      transactionConflict,
      () => store.decide(contested.alertId, { kind: 'reject', by: 'rival', at: T0, reason: 'r' }),
    );
    const loser = new DynamoAlertStore({ doc: stuck, tableName: t.names.alerts, retry: { maxAttempts: 1 } });
    const error = await loser
      .decide(contested.alertId, { kind: 'approve', by: 'x', at: T0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertNotPendingError);
    expect((error as AlertNotPendingError).currentStatus).toBe('REJECTED');
  });

  it('leaves the guard in place: the incident lasts past its decision', async () => {
    const open = alertFixture({ stationId: 'ST-GUARD' });
    await store.create(open);
    const guard = guardItemFor(open);
    await t.doc.send(new PutCommand({ TableName: t.names.alerts, Item: { ...guard } }));
    await store.decide(open.alertId, { kind: 'reject', by: 'x', at: T0, reason: 'dup' });
    const after = await t.doc.send(
      new GetCommand({ TableName: t.names.alerts, Key: { alertId: guard.alertId } }),
    );
    expect(after.Item).toEqual(guard);
  });
});

describe('DynamoAlertStore setExecutionArn', () => {
  let store: DynamoAlertStore;
  beforeAll(async () => {
    ({ store } = await freshStore());
  });
  const arn = 'arn:aws:states:eu-west-1:000000000000:execution:remediate:alert-1';

  it('records the execution once; the same ARN again changes nothing', async () => {
    const alert = alertFixture({ status: 'APPROVED' });
    await store.create(alert);
    await store.setExecutionArn(alert.alertId, arn, T0 + 100);
    expect(await store.get(alert.alertId)).toMatchObject({
      stepFunctionExecutionArn: arn,
      updatedAt: T0 + 100,
    });
    await store.setExecutionArn(alert.alertId, arn, T0 + 200);
    expect((await store.get(alert.alertId))?.updatedAt).toBe(T0 + 100);
    await store.setExecutionArn(alert.alertId, `${arn}-2`, T0 + 300);
    expect(await store.get(alert.alertId)).toMatchObject({
      stepFunctionExecutionArn: `${arn}-2`,
      updatedAt: T0 + 300,
    });
  });

  it('reports a missing alert (or a guard row) as not found', async () => {
    await expect(store.setExecutionArn('missing', arn, T0)).rejects.toBeInstanceOf(AlertNotFoundError);
    await expect(store.setExecutionArn(guardKeyFor('ST-1', 'LOW_INVENTORY'), arn, T0)).rejects.toBeInstanceOf(
      AlertNotFoundError,
    );
  });
});
