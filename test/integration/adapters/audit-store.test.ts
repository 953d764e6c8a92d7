import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoAuditStore } from '../../../src/adapters/dynamodb/audit-store';
import { encodeCursor } from '../../../src/adapters/dynamodb/cursor';
import { ValidationError } from '../../../src/domain/errors';
import type { Page } from '../../../src/domain/ports';
import { AUDIT_TTL_DAYS, type AuditEvent, ttlAfterDays } from '../../../src/domain/types';
import { createTestTables, type TestTables } from '../../support/tables';
import { auditEvent } from './fixtures';

const T0 = 1_700_000_000_000;
const NOW = 1_750_000_000_000;

let t: TestTables;
let store: DynamoAuditStore;
beforeAll(async () => {
  t = await createTestTables();
  store = new DynamoAuditStore({ doc: t.doc, tableName: t.names.audit, clock: { now: () => NOW } });
});

const expectValidationOnCursor = async (promise: Promise<unknown>): Promise<void> => {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['cursor']);
};

/** Every page of a paged read, following nextCursor to the end. */
const allPages = async (
  read: (cursor: string | undefined) => Promise<Page<AuditEvent>>,
): Promise<AuditEvent[][]> => {
  const pages: AuditEvent[][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await read(cursor);
    pages.push(page.items);
    if (page.nextCursor === null) return pages;
    cursor = page.nextCursor;
  }
  throw new Error('paging never ended');
};

describe('DynamoAuditStore', () => {
  it('appends once per taskId: a replay returns false and changes nothing', async () => {
    const event = auditEvent({ alertId: 'alert-idem' });
    expect(await store.append(event)).toBe(true);
    expect(await store.append({ ...event, details: { note: 'replayed' }, status: 'FAILED' })).toBe(false);
    expect(await store.trail('alert-idem')).toEqual([{ ...event, ttl: ttlAfterDays(NOW, AUDIT_TTL_DAYS) }]);
  });

  it('keeps a TTL the caller set, and an error message', async () => {
    const event = auditEvent({
      alertId: 'alert-ttl',
      ttl: 42,
      status: 'FAILED',
      errorMessage: 'SNS timed out',
    });
    await store.append(event);
    expect(await store.trail('alert-ttl')).toEqual([event]);
  });

  it("returns an alert's trail oldest first, and only that alert's", async () => {
    const steps = (
      ['ALERT_CREATED', 'ALERT_APPROVED', 'STEP_FUNCTION_STARTED', 'SNS_NOTIFICATION_SENT'] as const
    ).map((actionType, i) => auditEvent({ alertId: 'alert-trail', actionType, timestamp: T0 + i * 1000 }));
    // Written out of order: the index orders them, not the writes.
    for (const step of [steps[2], steps[0], steps[3], steps[1]]) if (step) await store.append(step);
    await store.append(auditEvent({ alertId: 'alert-other', timestamp: T0 + 1500 }));
    const trail = await store.trail('alert-trail');
    expect(trail.map((e) => e.actionType)).toEqual(steps.map((s) => s.actionType));
    expect(await store.trail('alert-none')).toEqual([]);
  });

  it('follows every page of a trail larger than one 1 MB page', async () => {
    // ~60 KB of details each: 25 events are about 1.5 MB.
    const events = Array.from({ length: 25 }, (_, i) =>
      auditEvent({ alertId: 'alert-bulky', timestamp: T0 + i, details: { blob: 'x'.repeat(60_000) } }),
    );
    await Promise.all(events.map((e) => store.append(e)));
    const trail = await store.trail('alert-bulky');
    expect(trail.map((e) => e.timestamp)).toEqual(events.map((e) => e.timestamp));
  });

  describe('by action type (TimeIndex)', () => {
    const approvals = Array.from({ length: 7 }, (_, i) =>
      auditEvent({
        alertId: `alert-time-${i}`,
        actionType: 'STEP_FUNCTION_FAILED',
        timestamp: T0 + i * 60_000,
      }),
    );
    beforeAll(async () => {
      for (const e of approvals) await store.append(e);
      await store.append(auditEvent({ actionType: 'STEP_FUNCTION_SUCCEEDED', timestamp: T0 + 60_000 }));
    });

    it('returns the inclusive range oldest first, in pages with a null cursor on the last', async () => {
      const pages = await allPages((cursor) =>
        store.byActionType('STEP_FUNCTION_FAILED', T0 + 60_000, T0 + 5 * 60_000, {
          limit: 2,
          ...(cursor ? { cursor } : {}),
        }),
      );
      expect(pages.map((p) => p.map((e) => e.alertId))).toEqual([
        ['alert-time-1', 'alert-time-2'],
        ['alert-time-3', 'alert-time-4'],
        ['alert-time-5'],
      ]);
    });

    it('ends with a null cursor when the last page is exactly full', async () => {
      const page = await store.byActionType('STEP_FUNCTION_FAILED', T0, T0 + 6 * 60_000, { limit: 7 });
      expect(page.items).toHaveLength(7);
      expect(page.nextCursor).toBeNull();
      expect(await store.byActionType('STEP_FUNCTION_FAILED', T0 + 1, T0 + 2)).toEqual({
        items: [],
        nextCursor: null,
      });
    });

    it('rejects a cursor of another action type or outside the range', async () => {
      const first = await store.byActionType('STEP_FUNCTION_FAILED', T0, T0 + 6 * 60_000, { limit: 2 });
      const cursor = first.nextCursor ?? '';
      await expectValidationOnCursor(store.byActionType('ALERT_CREATED', T0, T0 + 6 * 60_000, { cursor }));
      await expectValidationOnCursor(
        store.byActionType('STEP_FUNCTION_FAILED', T0 + 3 * 60_000, T0 + 6 * 60_000, { cursor }),
      );
    });
  });

  it('scans everything in pages, each event exactly once', async () => {
    const scanned = await createTestTables();
    const scanStore = new DynamoAuditStore({ doc: scanned.doc, tableName: scanned.names.audit });
    const events = Array.from({ length: 7 }, (_, i) => auditEvent({ timestamp: T0 + i }));
    for (const e of events) await scanStore.append(e);
    const pages = await allPages((cursor) => scanStore.scan({ limit: 3, ...(cursor ? { cursor } : {}) }));
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(
      pages
        .flat()
        .map((e) => e.taskId)
        .sort(),
    ).toEqual(events.map((e) => e.taskId).sort());
  });

  it('rejects a malformed cursor with ValidationError on cursor, and a limit below 1', async () => {
    await expectValidationOnCursor(store.scan({ cursor: '%%%' }));
    await expectValidationOnCursor(store.scan({ cursor: Buffer.from('[1,2').toString('base64url') }));
    await expectValidationOnCursor(store.scan({ cursor: encodeCursor({ v: 1, k: { taskId: 7 } }) }));
    await expectValidationOnCursor(store.scan({ cursor: encodeCursor({ v: 2, k: { taskId: 'a' } }) }));
    // A TimeIndex position is not a scan position.
    const page = await store.byActionType('STEP_FUNCTION_FAILED', T0, T0 + 6 * 60_000, { limit: 1 });
    await expectValidationOnCursor(store.scan({ cursor: page.nextCursor ?? '' }));
    await expect(store.scan({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
  });
});
