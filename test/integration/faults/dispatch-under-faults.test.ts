import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionNameFor, notificationDedupKeyFor } from '../../../src/domain/ids';
import type { AuditEvent } from '../../../src/domain/types';
import {
  approvalIds,
  approveAlerts,
  expectConverged,
  type FaultyWorld,
  faultyWorld,
  successRows,
} from './support';

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
  // attempts surely occur. The ids are known before the first approval: its dispatch may come before
  // approveAlerts returns.
  ids = approvalIds(APPROVALS);
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
  expect(await approveAlerts(world, APPROVALS)).toEqual(ids);
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

  // What holds on every run: nothing is done twice, and every failed step says why.
  it('never starts a second execution or sends a second notification for an approval', () => {
    const expected = new Set(ids.map(executionNameFor));
    for (const [name, n] of world.executions) {
      expect(expected.has(name), name).toBe(true);
      expect(n, name).toBe(1);
    }
    const keys = new Set(ids.map((id) => notificationDedupKeyFor(id, 'ALERT_APPROVED')));
    for (const [key, n] of world.notifications) {
      expect(keys.has(key), key).toBe(true);
      expect(n, key).toBe(1);
    }
    for (const id of ids) {
      const trail = trails.get(id) ?? [];
      expect(successRows(trail, 'STEP_FUNCTION_STARTED').length, id).toBeLessThanOrEqual(1);
      expect(successRows(trail, 'SNS_NOTIFICATION_SENT').length, id).toBeLessThanOrEqual(1);
    }
  });

  it('audits failed attempts FAILED with their error message, at most one row per reported failure', async () => {
    const failed = [...trails.values()].flat().filter((row) => row.status === 'FAILED');
    // One approval in ten had its first publish refused: at least those attempts failed.
    expect(failed.length).toBeGreaterThanOrEqual(APPROVALS / 10);
    for (const row of failed) expect(row.errorMessage, row.taskId).toMatch(/\S/);
    expect(failed.some((row) => row.errorMessage === 'SNS refused the first publish')).toBe(true);
    expect(failed.length).toBeLessThanOrEqual(world.reportedFailures());
  });

  // Convergence without a redrive: a claim whose run could not release it or record its success is
  // ended by `once` itself, and a claim left behind anyway expires after 10 s, which the stream's retry
  // waits out (docs/architecture.md). Run alone 8 times in a row when this was fixed: 8 passed.
  it('converges: one success row per step, one execution and notification each, nothing dead-lettered or in progress, one FAILED row per reported failure', async () => {
    await expectConverged(world, ids, trails);
    expect(world.deadLetters).toEqual([]);
    const failed = [...trails.values()].flat().filter((row) => row.status === 'FAILED');
    expect(failed).toHaveLength(world.reportedFailures());
  });
});
