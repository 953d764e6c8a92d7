import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoAlertStore } from '../../../src/adapters/dynamodb/alert-store';
import { DEFAULT_APPROVAL_DEADLINES } from '../../../src/domain/lifecycle';
import { sweepDeadlines } from '../../../src/use-cases/sweep-alerts';
import { createTestTables, type TestTables } from '../../support/tables';
import { candidateAt, idOf } from './fixtures';

const T0 = 1_700_000_000_000;
const MINUTE = 60_000;
const CRITICAL = DEFAULT_APPROVAL_DEADLINES.CRITICAL; // 15 minutes

let t: TestTables;
let store: DynamoAlertStore;
beforeAll(async () => {
  t = await createTestTables();
  store = new DynamoAlertStore({ doc: t.doc, tableName: t.names.alerts });
});

let stationCounter = 0;
const station = (): string => `ST-SWEEP-${++stationCounter}`;

/** A sweep at a given wall-clock time (the clock is injected: no sleeping). */
const sweepAt = (now: number) =>
  sweepDeadlines({ alerts: store, clock: { now: () => now }, deadlines: DEFAULT_APPROVAL_DEADLINES });

const levelOf = async (alertId: string) => (await store.get(alertId))?.escalationLevel;

describe('the deadline sweep', () => {
  it('escalates a PENDING alert to levels 1, 2, 3, one deadline period apart, each once however often it runs', async () => {
    const candidate = candidateAt(T0, { stationId: station(), severity: 'CRITICAL' });
    await store.raise(candidate, idOf(candidate), T0);
    const alertId = idOf(candidate);
    expect((await store.get(alertId))?.deadlineAt).toBe(T0 + CRITICAL);

    const levels: (number | undefined)[] = [];
    const written: number[] = [];
    for (const at of [
      CRITICAL - MINUTE,
      CRITICAL,
      CRITICAL + MINUTE,
      2 * CRITICAL,
      3 * CRITICAL,
      10 * CRITICAL,
    ]) {
      // Twice for the same minute: the second run repeats nothing.
      for (const _ of [1, 2]) {
        const outcome = await sweepAt(T0 + at);
        written.push(...outcome.escalated.filter((e) => e.alertId === alertId).map((e) => e.level));
      }
      levels.push(await levelOf(alertId));
    }
    expect(levels).toEqual([undefined, 1, 1, 2, 3, 3]);
    expect(written).toEqual([1, 2, 3]);
  });

  it('writes each missed level on its own when the sweep was away, and a sweep that failed half way is finished by the next', async () => {
    const candidate = candidateAt(T0, { stationId: station(), severity: 'CRITICAL' });
    await store.raise(candidate, idOf(candidate), T0);
    const alertId = idOf(candidate);
    // Fails the second escalation write of this sweep, as a crash half way would.
    let writes = 0;
    const failing = {
      pendingPastDeadline: (now: number) => store.pendingPastDeadline(now),
      escalate: async (id: string, from: number, now: number) => {
        if (++writes === 2) throw new Error('crashed half way');
        return store.escalate(id, from, now);
      },
    };
    await expect(
      sweepDeadlines({
        alerts: failing,
        clock: { now: () => T0 + 4 * CRITICAL },
        deadlines: DEFAULT_APPROVAL_DEADLINES,
      }),
    ).rejects.toThrow('crashed half way');
    expect(await levelOf(alertId)).toBe(1);
    const next = await sweepAt(T0 + 4 * CRITICAL);
    expect(next.escalated.filter((e) => e.alertId === alertId).map((e) => e.level)).toEqual([2, 3]);
    expect(await levelOf(alertId)).toBe(3);
  });

  it('never escalates a decided or resolved alert, and a raise shortens the deadline', async () => {
    const stationId = station();
    const decided = candidateAt(T0, { stationId, severity: 'CRITICAL', alertType: 'CHARGER_DOWN' });
    await store.raise(decided, idOf(decided), T0);
    await store.decide(idOf(decided), { kind: 'approve', by: 'ops', at: T0 + MINUTE });
    const resolved = candidateAt(T0, { stationId, severity: 'CRITICAL', alertType: 'HIGH_DEMAND' });
    await store.raise(resolved, idOf(resolved), T0);
    await store.resolve(idOf(resolved), { by: 'ops', at: T0 + MINUTE, reason: 'on site' });
    await sweepAt(T0 + 10 * CRITICAL);
    expect(await levelOf(idOf(decided))).toBeUndefined();
    expect(await levelOf(idOf(resolved))).toBeUndefined();

    const low = candidateAt(T0, { stationId, severity: 'LOW', alertType: 'FAULT_PATTERN' });
    await store.raise(low, idOf(low), T0);
    expect((await store.get(idOf(low)))?.deadlineAt).toBe(T0 + DEFAULT_APPROVAL_DEADLINES.LOW);
    await store.raise(
      candidateAt(T0 + MINUTE, { stationId, severity: 'CRITICAL', alertType: 'FAULT_PATTERN' }),
      'x',
      T0,
    );
    expect((await store.get(idOf(low)))?.deadlineAt).toBe(T0 + MINUTE + CRITICAL);
  });
});
