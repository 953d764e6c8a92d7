import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/domain/types';
import { listDeadLetters, redriveDeadLetter } from '../../../src/local/dead-letters';
import { silentLogger } from '../../../src/local/stream-poller/types';
import {
  approvalIds,
  approveAlerts,
  DISPATCH_MAPPING,
  expectConverged,
  type FaultyWorld,
  faultyWorld,
} from './support';

/**
 * Issue 12: at 60% of the dispatcher's DynamoDB, Step Functions and SNS requests failing, the mapping's
 * 5 retries do not always suffice; what they leave is dead-lettered, and redriving the dead letters
 * (the code path of `ai-ops dead-letters redrive`, under the same faults) reaches the same end state as
 * 20% does without a redrive. The topic refuses one approval's publish until the poller has given up
 * on it, so there is at least one dead letter to redrive.
 */
const APPROVALS = 6;
/** Redrive rounds at most: a redrive under faults can dead-letter part of its range again. */
const ROUNDS = 8;

let world: FaultyWorld;
let dir: string;
let ids: string[];
let trails: Map<string, AuditEvent[]>;
let deadLettered = 0;
let rounds = 0;

beforeAll(async () => {
  ids = approvalIds(APPROVALS);
  dir = await mkdtemp(join(tmpdir(), 'ai-ops-redrive-faults-'));
  let topicFixed = false;
  const refused = ids[3] ?? '';
  world = await faultyWorld(0.6, {
    deadLetterDir: dir,
    publishFails: ({ messageAttributes }) =>
      !topicFixed && (messageAttributes.dedupKey ?? '').startsWith(`${refused}|`)
        ? 'SNS refused the publish until fixed'
        : undefined,
  });
  expect(await approveAlerts(world, APPROVALS)).toEqual(ids);
  await world.poller.idle({ timeoutMs: 90_000 });
  deadLettered = (await listDeadLetters(dir)).length;
  topicFixed = true;
  for (; rounds < ROUNDS; rounds += 1) {
    const pending = (await listDeadLetters(dir)).filter((stored) => !stored.redriven);
    if (pending.length === 0) break;
    for (const stored of pending) {
      await redriveDeadLetter({
        dir,
        id: stored.id,
        streamsClient: world.streams,
        settings: DISPATCH_MAPPING,
        invoke: world.invoke,
        deadLetter: world.deadLetterFile,
        functionArn: 'arn:aws:lambda:local:000000000000:function:dispatchAlertChange',
        logger: silentLogger,
      });
    }
  }
  trails = new Map(await Promise.all(ids.map(async (id) => [id, await world.audit.trail(id)] as const)));
}, 150_000);

afterAll(async () => {
  await world?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the dispatcher with 60% of DynamoDB, SFN and SNS requests failing, after redriving its dead letters', () => {
  it('dead-lettered what the retries could not do, and every dead letter was redriven', async () => {
    expect(deadLettered).toBeGreaterThan(0);
    expect(rounds).toBeLessThan(ROUNDS);
    const stored = await listDeadLetters(dir);
    expect(stored.filter((entry) => !entry.redriven)).toEqual([]);
  });

  it('converges: one success row per step, one execution and notification each, nothing in progress', async () => {
    await expectConverged(world, ids, trails);
  });

  it('audits failed attempts FAILED with their error message', () => {
    const failed = [...trails.values()].flat().filter((row) => row.status === 'FAILED');
    // The refused approval's publish failed (the SDK reports its last attempt's error: the refusal, or
    // a fault injected in front of the topic).
    const refusedTrail = trails.get(ids[3] ?? '') ?? [];
    expect(
      refusedTrail.filter((row) => row.status === 'FAILED' && row.actionType === 'SNS_NOTIFICATION_SENT'),
    ).not.toEqual([]);
    for (const row of failed) expect(row.errorMessage, row.taskId).toMatch(/\S/);
    // At 60% a FAILED row's own write can fail too (docs/architecture.md): at most one per reported failure.
    expect(failed.length).toBeLessThanOrEqual(world.reportedFailures());
  });
});
