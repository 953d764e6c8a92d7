import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { guardKeyFor } from '../../../src/adapters/dynamodb/alert-item';
import { DynamoAlertStore } from '../../../src/adapters/dynamodb/alert-store';
import type { AlertCandidate, RaiseOutcome } from '../../../src/domain/ports';
import type { Alert, AlertType } from '../../../src/domain/types';
import { createTestTables, type TestTables } from '../../support/tables';
import {
  candidateAt,
  failFirst,
  idOf,
  itemConflict,
  localDoc,
  recordingSleep,
  transactionConflict,
} from './fixtures';

const T0 = 1_700_000_000_000;
const NOW = 1_750_000_000_000;

let t: TestTables;
let store: DynamoAlertStore;
beforeAll(async () => {
  t = await createTestTables();
  store = new DynamoAlertStore({ doc: t.doc, tableName: t.names.alerts });
});

let stationCounter = 0;
/** A station of its own per test, so each starts with no open alert. */
const station = (): string => `ST-RAISE-${++stationCounter}`;

const raise = (candidate: AlertCandidate, now = NOW): Promise<RaiseOutcome> =>
  store.raise(candidate, idOf(candidate), now);

const guardOf = async (stationId: string, alertType: AlertType) =>
  (
    await t.doc.send(
      new GetCommand({ TableName: t.names.alerts, Key: { alertId: guardKeyFor(stationId, alertType) } }),
    )
  ).Item;

/** Every alert of a station and type, whatever its status (all pages of the merged listing). */
const alertsOf = async (stationId: string, alertType: AlertType): Promise<Alert[]> => {
  const found: Alert[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ stationId, limit: 50, ...(cursor ? { cursor } : {}) });
    found.push(...page.items.filter((a) => a.alertType === alertType));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return found;
};

describe('DynamoAlertStore raise', () => {
  it('creates a PENDING alert and the guard naming it', async () => {
    const candidate = candidateAt(T0, { stationId: station(), severity: 'HIGH' });
    const outcome = await raise(candidate);
    const expected: Alert = {
      alertId: idOf(candidate),
      stationId: candidate.stationId,
      alertType: candidate.alertType,
      severity: 'HIGH',
      status: 'PENDING',
      title: candidate.title,
      description: candidate.description,
      recommendedAction: candidate.recommendedAction,
      createdAt: T0,
      lastSeenAt: T0,
      updatedAt: NOW,
      occurrences: 1,
      // HIGH: one hour to decide from the trigger.
      deadlineAt: T0 + 60 * 60_000,
      metadata: candidate.metadata,
    };
    expect(outcome).toEqual({ kind: 'created', alert: expected });
    expect(await store.get(expected.alertId)).toEqual(expected);
    expect(await guardOf(candidate.stationId, candidate.alertType)).toEqual({
      alertId: guardKeyFor(candidate.stationId, candidate.alertType),
      recordType: 'OPEN_ALERT_GUARD',
      openAlertId: expected.alertId,
      stationId: candidate.stationId,
      alertType: candidate.alertType,
    });
  });

  it('merges newer triggers: occurrences and lastSeenAt move on, severity rises and never falls', async () => {
    const stationId = station();
    const first = candidateAt(T0, { stationId, severity: 'MEDIUM' });
    const openId = idOf(first);
    await raise(first);
    expect(await raise(candidateAt(T0 + 1000, { stationId, severity: 'CRITICAL' }), NOW + 1)).toEqual({
      kind: 'merged',
      alertId: openId,
      severity: 'CRITICAL',
      occurrences: 2,
    });
    expect(await raise(candidateAt(T0 + 2000, { stationId, severity: 'LOW' }), NOW + 2)).toEqual({
      kind: 'merged',
      alertId: openId,
      severity: 'CRITICAL',
      occurrences: 3,
    });
    expect(await store.get(openId)).toMatchObject({
      status: 'PENDING',
      severity: 'CRITICAL',
      occurrences: 3,
      createdAt: T0,
      lastSeenAt: T0 + 2000,
      updatedAt: NOW + 2,
    });
    expect(await alertsOf(stationId, first.alertType)).toHaveLength(1);
  });

  it('describes the trigger that raised the severity, and keeps that text when a lower one merges', async () => {
    const stationId = station();
    const first = candidateAt(T0, {
      stationId,
      severity: 'MEDIUM',
      title: 'low stock',
      description: '5 batteries',
    });
    await raise(first);
    const critical = candidateAt(T0 + 1000, {
      stationId,
      severity: 'CRITICAL',
      title: 'out of stock',
      description: '0 batteries',
      recommendedAction: 'send batteries now',
      metadata: { observed: { chargedBatteries: 0 } },
    });
    await raise(critical);
    await raise(
      candidateAt(T0 + 2000, { stationId, severity: 'MEDIUM', title: 'low again', description: '4' }),
    );
    expect(await store.get(idOf(first))).toMatchObject({
      severity: 'CRITICAL',
      title: 'out of stock',
      description: '0 batteries',
      recommendedAction: 'send batteries now',
      metadata: { observed: { chargedBatteries: 0 } },
      occurrences: 3,
    });
  });

  it('raises severity one step at a time too (HIGH over MEDIUM)', async () => {
    const stationId = station();
    const first = candidateAt(T0, { stationId, severity: 'LOW' });
    await raise(first);
    expect(await raise(candidateAt(T0 + 1, { stationId, severity: 'MEDIUM' }))).toMatchObject({
      severity: 'MEDIUM',
    });
    expect(await raise(candidateAt(T0 + 2, { stationId, severity: 'MEDIUM' }))).toMatchObject({
      severity: 'MEDIUM',
    });
    expect(await raise(candidateAt(T0 + 3, { stationId, severity: 'HIGH' }))).toMatchObject({
      severity: 'HIGH',
    });
    expect((await store.get(idOf(first)))?.severity).toBe('HIGH');
  });

  it('leaves everything unchanged on a replayed trigger', async () => {
    const stationId = station();
    const first = candidateAt(T0, { stationId });
    await raise(first);
    await raise(candidateAt(T0 + 10, { stationId }));
    const before = await store.get(idOf(first));
    expect(await raise(first, NOW + 99)).toEqual({ kind: 'unchanged', alertId: idOf(first) });
    // The merged trigger replayed: its id names no alert, the open one has seen it already.
    expect(await raise(candidateAt(T0 + 10, { stationId }), NOW + 99)).toEqual({
      kind: 'unchanged',
      alertId: idOf(first),
    });
    expect(await store.get(idOf(first))).toEqual(before);
  });

  it('leaves everything unchanged on a trigger older than the last one seen', async () => {
    const stationId = station();
    const first = candidateAt(T0 + 500, { stationId });
    await raise(first);
    await raise(candidateAt(T0 + 900, { stationId }));
    const before = await store.get(idOf(first));
    expect(await raise(candidateAt(T0 + 700, { stationId, severity: 'CRITICAL' }))).toEqual({
      kind: 'unchanged',
      alertId: idOf(first),
    });
    expect(await store.get(idOf(first))).toEqual(before);
  });

  it.each([
    ['approved', { kind: 'approve', by: 'ops', at: NOW }],
    ['rejected', { kind: 'reject', by: 'ops', at: NOW, reason: 'technician already on site' }],
  ] as const)(
    'merges later triggers into the %s alert: a decision opens no second alert',
    async (_name, decision) => {
      const stationId = station();
      const first = candidateAt(T0, { stationId });
      await raise(first);
      await store.decide(idOf(first), decision);
      for (let i = 1; i <= 3; i++) {
        expect(await raise(candidateAt(T0 + i * 60_000, { stationId }))).toMatchObject({
          kind: 'merged',
          alertId: idOf(first),
          occurrences: i + 1,
        });
      }
      const all = await alertsOf(stationId, first.alertType);
      expect(all.map((a) => [a.alertId, a.occurrences])).toEqual([[idOf(first), 4]]);
      expect((await guardOf(stationId, first.alertType))?.openAlertId).toBe(idOf(first));
    },
  );

  it('opens a new alert for the first trigger after the incident ended, and none for a replay of an older one', async () => {
    const stationId = station();
    const first = candidateAt(T0, { stationId });
    await raise(first);
    await raise(candidateAt(T0 + 60_000, { stationId }));
    await store.decide(idOf(first), { kind: 'approve', by: 'ops', at: NOW });
    const ended = await store.endIncident(stationId, first.alertType, T0 + 10 * 60_000, NOW);
    expect(ended).toMatchObject({
      kind: 'resolved',
      alert: { status: 'APPROVED', resolvedAt: T0 + 600_000 },
    });
    // Replays of triggers that belonged to the ended incident open nothing.
    expect(await raise(first)).toEqual({ kind: 'unchanged', alertId: idOf(first) });
    expect((await raise(candidateAt(T0 + 60_000, { stationId }))).kind).toBe('unchanged');
    const next = candidateAt(T0 + 11 * 60_000, { stationId });
    expect((await raise(next)).kind).toBe('created');
    expect((await guardOf(stationId, first.alertType))?.openAlertId).toBe(idOf(next));
    const statuses = (await alertsOf(stationId, first.alertType)).map((a) => [a.alertId, a.status]);
    expect(statuses).toEqual([
      [idOf(next), 'PENDING'],
      [idOf(first), 'APPROVED'],
    ]);
  });

  it('lets go of a guard whose incident ended behind its back', async () => {
    const stationId = station();
    const first = candidateAt(T0, { stationId });
    await raise(first);
    // An end written around the store (the guard still names the alert).
    await t.doc.send(
      new UpdateCommand({
        TableName: t.names.alerts,
        Key: { alertId: idOf(first) },
        UpdateExpression: 'SET #s = :s, resolvedAt = :at',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'RESOLVED', ':at': T0 + 1 },
      }),
    );
    const next = candidateAt(T0 + 1, { stationId });
    expect((await raise(next)).kind).toBe('created');
    expect((await guardOf(stationId, first.alertType))?.openAlertId).toBe(idOf(next));
    expect((await store.get(idOf(first)))?.occurrences).toBe(1);
  });

  it('keeps separate open alerts per station and per type', async () => {
    const stationId = station();
    const a = await raise(candidateAt(T0, { stationId, alertType: 'CHARGER_DOWN' }));
    const b = await raise(candidateAt(T0, { stationId, alertType: 'HIGH_DEMAND' }));
    const c = await raise(candidateAt(T0, { stationId: station(), alertType: 'CHARGER_DOWN' }));
    expect([a.kind, b.kind, c.kind]).toEqual(['created', 'created', 'created']);
  });

  it('leaves exactly one PENDING alert after 10 concurrent raises, counting every newer trigger it accepted', async () => {
    for (let round = 0; round < 3; round++) {
      const stationId = station();
      const doc = localDoc(t.endpoint);
      const sendSpy = vi.spyOn(doc, 'send');
      const racer = new DynamoAlertStore({ doc, tableName: t.names.alerts });
      const candidates = Array.from({ length: 10 }, (_, i) =>
        candidateAt(T0 + i * 1000, { stationId, severity: i === 7 ? 'CRITICAL' : 'LOW' }),
      );
      const outcomes = await Promise.all(candidates.map((c) => racer.raise(c, idOf(c), NOW)));
      const pending = (await alertsOf(stationId, 'CHARGER_DOWN')).filter((a) => a.status === 'PENDING');
      expect(pending).toHaveLength(1);
      const open = pending[0] as Alert;
      // Promise.all keeps order: outcomes[i] is what candidates[i] did.
      const accepted = candidates.filter((_, i) => outcomes[i]?.kind !== 'unchanged');
      const created = outcomes.filter((o) => o.kind === 'created');
      const merged = outcomes.flatMap((o) => (o.kind === 'merged' ? [o] : []));
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({ alert: { alertId: open.alertId } });
      for (const o of outcomes) if (o.kind !== 'created') expect(o.alertId).toBe(open.alertId);
      expect(open.occurrences).toBe(1 + merged.length);
      expect(open.occurrences).toBe(accepted.length);
      // Each merge counted one more trigger: their counts are 2, 3, ... with none repeated.
      expect(merged.map((m) => m.occurrences).sort((a, b) => a - b)).toEqual(merged.map((_, i) => i + 2));
      // A merge needs a trigger newer than lastSeenAt, so lastSeenAt ends at the newest accepted one.
      expect(open.lastSeenAt).toBe(Math.max(...accepted.map((c) => c.triggeredAt)));
      expect(open.severity).toBe(accepted.some((c) => c.severity === 'CRITICAL') ? 'CRITICAL' : 'LOW');
      expect((await guardOf(stationId, 'CHARGER_DOWN'))?.openAlertId).toBe(open.alertId);
      // The race was real: more than one writer tried the create transaction.
      expect(sendSpy.mock.calls.filter(([c]) => c instanceof TransactWriteCommand).length).toBeGreaterThan(1);
    }
  });

  it('keeps one alert per incident while a decision races new triggers', async () => {
    const stationId = station();
    const first = candidateAt(T0, { stationId });
    await raise(first);
    const triggers = Array.from({ length: 6 }, (_, i) => candidateAt(T0 + (i + 1) * 1000, { stationId }));
    const [decision, ...outcomes] = await Promise.all([
      store.decide(idOf(first), { kind: 'approve', by: 'ops', at: NOW }),
      ...triggers.map((c) => store.raise(c, idOf(c), NOW)),
    ]);
    expect(decision).toMatchObject({ status: 'APPROVED' });
    const all = await alertsOf(stationId, first.alertType);
    const pending = all.filter((a) => a.status === 'PENDING');
    expect(outcomes.filter((o) => (o as RaiseOutcome).kind === 'created')).toHaveLength(0);
    expect(pending).toHaveLength(0);
    const merged = outcomes.filter((o) => (o as RaiseOutcome).kind === 'merged').length;
    expect(merged).toBeGreaterThan(0);
    expect(all.map((a) => [a.alertId, a.status, a.occurrences])).toEqual([
      [idOf(first), 'APPROVED', 1 + merged],
    ]);
    expect((await guardOf(stationId, first.alertType))?.openAlertId).toBe(idOf(first));
  });

  it('retries the create transaction after a conflict, with backoff', async () => {
    const doc = localDoc(t.endpoint);
    const { sleep, delays } = recordingSleep();
    const { failures } = failFirst(doc, (c) => c instanceof TransactWriteCommand, 2, transactionConflict);
    const retrying = new DynamoAlertStore({ doc, tableName: t.names.alerts, retry: { sleep } });
    const candidate = candidateAt(T0, { stationId: station() });
    expect((await retrying.raise(candidate, idOf(candidate), NOW)).kind).toBe('created');
    expect(failures()).toBe(2);
    expect(delays).toHaveLength(2);
  });

  it('retries a merge that ran into a decision in flight on the open alert', async () => {
    const stationId = station();
    const first = candidateAt(T0, { stationId });
    await raise(first);
    const doc = localDoc(t.endpoint);
    const { sleep, delays } = recordingSleep();
    const { failures } = failFirst(doc, (c) => c instanceof UpdateCommand, 1, itemConflict);
    const retrying = new DynamoAlertStore({ doc, tableName: t.names.alerts, retry: { sleep } });
    const next = candidateAt(T0 + 1, { stationId });
    expect(await retrying.raise(next, idOf(next), NOW)).toEqual({
      kind: 'merged',
      alertId: idOf(first),
      severity: 'MEDIUM',
      occurrences: 2,
    });
    expect(failures()).toBe(1);
    expect(delays).toHaveLength(1);
  });

  it('gives up on endless transaction conflicts after its bounded attempts', async () => {
    const doc = localDoc(t.endpoint);
    const { sleep, delays } = recordingSleep();
    failFirst(doc, (c) => c instanceof TransactWriteCommand, Number.POSITIVE_INFINITY, transactionConflict);
    const conflicted = new DynamoAlertStore({
      doc,
      tableName: t.names.alerts,
      retry: { sleep, maxAttempts: 3 },
    });
    const candidate = candidateAt(T0, { stationId: station() });
    await expect(conflicted.raise(candidate, idOf(candidate), NOW)).rejects.toBeInstanceOf(
      TransactionCanceledException,
    );
    expect(delays).toHaveLength(2);
    expect(await store.get(idOf(candidate))).toBeUndefined();
  });
});
