import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionNameFor, notificationDedupKeyFor } from '../../../src/domain/ids';
import type { AuditEvent } from '../../../src/domain/types';
import { approveAlerts, type FaultyWorld, faultyWorld, inProgressRecords, successRows } from './support';

/**
 * Issue 12: 30 approvals through the dispatcher while 20% of its DynamoDB, Step Functions and SNS
 * requests fail (throttled, 5xx, or dropped after a wait), read from the real stream by the local
 * poller with the mapping's retries. The end state is what docs/architecture.md promises per step.
 */
const APPROVALS = 30;

let world: FaultyWorld;
let ids: string[];
let trails: Map<string, AuditEvent[]>;

beforeAll(async () => {
  // The topic also refuses the first 3 publishes (the SDK's attempts) of every 10th approval, so failed
  // attempts surely occur.
  const refused = new Map<string, number>();
  world = await faultyWorld(0.2, {
    publishFails: ({ messageAttributes }) => {
      const key = messageAttributes.dedupKey ?? '';
      const index = ids?.findIndex((id) => key.startsWith(`${id}|`)) ?? -1;
      const times = refused.get(key) ?? 0;
      if (index % 10 !== 0 || times >= 3) return undefined;
      refused.set(key, times + 1);
      return 'SNS refused the first publish';
    },
  });
  ids = [];
  ids = await approveAlerts(world, APPROVALS);
  await world.poller.idle({ timeoutMs: 90_000 });
  trails = new Map(await Promise.all(ids.map(async (id) => [id, await world.audit.trail(id)] as const)));
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe('the dispatcher with 20% of DynamoDB, SFN and SNS requests failing', () => {
  it('injected faults of every kind on every service', () => {
    for (const proxy of Object.values(world.proxies)) {
      const { faults } = proxy.stats();
      expect(faults.throttling + faults['5xx'] + faults.timeout).toBeGreaterThan(0);
    }
  });

  it('ends every approval with one STEP_FUNCTION_STARTED and one SNS_NOTIFICATION_SENT success row', () => {
    for (const id of ids) {
      const trail = trails.get(id) ?? [];
      expect(successRows(trail, 'ALERT_APPROVED'), id).toHaveLength(1);
      expect(successRows(trail, 'STEP_FUNCTION_STARTED'), id).toHaveLength(1);
      expect(successRows(trail, 'SNS_NOTIFICATION_SENT'), id).toHaveLength(1);
    }
  });

  it('started one execution and sent one notification per approval, and dead-lettered nothing', () => {
    expect([...world.executions.keys()].sort()).toEqual(ids.map(executionNameFor).sort());
    expect([...world.executions.values()].every((n) => n === 1)).toBe(true);
    expect(Object.fromEntries(world.notifications)).toEqual(
      Object.fromEntries(ids.map((id) => [notificationDedupKeyFor(id, 'ALERT_APPROVED'), 1])),
    );
    expect(world.deadLetters).toEqual([]);
  });

  it('audited each failed attempt FAILED with its error message, one row per failed record', async () => {
    const failed = [...trails.values()].flat().filter((row) => row.status === 'FAILED');
    // One approval in ten had its first publish refused: at least those attempts failed.
    expect(failed.length).toBeGreaterThanOrEqual(APPROVALS / 10);
    for (const row of failed) expect(row.errorMessage, row.taskId).toMatch(/\S/);
    expect(failed.some((row) => row.errorMessage === 'SNS refused the first publish')).toBe(true);
    // Every record the dispatcher reported failed failed at one step, which wrote one FAILED row.
    expect(failed).toHaveLength(world.reportedFailures());
  });

  it('left no idempotency record in progress', async () => {
    expect(await inProgressRecords(world)).toEqual([]);
  });
});
