import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/domain/types';
import type { JournalEntry } from '../../src/local/execution-journal';
import { LocalApi, seedAlerts } from './support/api';
import { until } from './support/runtime';

/**
 * Issue 12: `ai-ops start --data` killed with SIGKILL (the runtime and its Java, as a crash or the OOM
 * killer would) while the dispatcher works through fresh approvals, then started again on the same folder.
 * Every approval ends with one execution of `alert-<id>` and one SUCCESS row per step: what the dispatcher
 * had not checkpointed comes again and finds the execution's name taken, as Step Functions would.
 */
const data = mkdtempSync(join(tmpdir(), 'ai-ops-crash-'));
const executions = join(data, 'step-functions', 'executions');

/** `until` at a 5 ms step: the moment to kill is short. */
const pollFast = async <T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = probe();
      if (value !== undefined) return value;
    } catch {
      // The folder is made by the runtime on its first execution.
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};
let runtime: ChildProcess | undefined;
let output = '';

const start = async (): Promise<LocalApi> => {
  rmRuntimeFile();
  const child = spawn(process.execPath, ['bin/ai-ops.js', 'start', '--no-simulator', '--data', data], {
    // Its own process group, so one signal reaches the runtime and the Java it started.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AIOPS_PORT: '0', AIOPS_ENDPOINT: '', AIOPS_TOKEN: '', LOG_LEVEL: 'WARN' },
  });
  runtime = child;
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const file = await until(
    'runtime.json of ai-ops start',
    async () => {
      if (child.exitCode !== null) throw new Error(`ai-ops start exited ${child.exitCode}: ${output}`);
      try {
        const state = JSON.parse(readFileSync(join(data, 'runtime.json'), 'utf8')) as {
          state: string;
          apiUrl?: string;
        };
        return state.state === 'running' && state.apiUrl ? state : undefined;
      } catch {
        return undefined;
      }
    },
    120_000,
  );
  return new LocalApi(file.apiUrl ?? '');
};

// A killed runtime leaves its runtime.json saying "running": start() must wait for the new one's.
const rmRuntimeFile = () => rmSync(join(data, 'runtime.json'), { force: true });

const stop = async (signal: NodeJS.Signals) => {
  const child = runtime;
  if (child?.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, signal);
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
};

afterAll(async () => {
  await stop('SIGINT');
  await rm(data, { recursive: true, force: true });
}, 30_000);

const successes = (trail: AuditEvent[], actionType: AuditEvent['actionType']) =>
  trail.filter((event) => event.actionType === actionType && event.status === 'SUCCESS').length;

describe('a runtime killed mid-dispatch and started again on the same --data', () => {
  it('ends with one execution and one SUCCESS row per step for every approval', async () => {
    let api = await start();
    const stations = ['CRASH-ST-1', 'CRASH-ST-2', 'CRASH-ST-3'];
    const seeded = await seedAlerts(api, stations);
    const alertIds = seeded.flatMap((s) => [s.lowInventory.alertId, s.chargerDown.alertId]);
    const operator = await api.token('operator-crash');
    for (const alertId of alertIds)
      expect((await api.post(`/alerts/${alertId}/approve`, operator)).status, alertId).toBe(200);

    // At once: the dispatcher is reading the approvals from the stream (or has just started).
    // Killed as soon as the dispatcher has started the first execution: mid-dispatch, its batch not yet
    // checkpointed.
    const started = () => readdirSync(executions).filter((file) => file.endsWith('.json')).length;
    await pollFast('the first execution', () => (started() > 0 ? true : undefined));
    await stop('SIGKILL');
    expect(runtime?.signalCode).toBe('SIGKILL');

    api = await start();
    const reader = await api.token('operator-crash-reader', { scopes: ['alerts/read'] });
    const trails = new Map<string, AuditEvent[]>();
    for (const alertId of alertIds) {
      trails.set(
        alertId,
        await api.waitForTrail(reader, alertId, ['STEP_FUNCTION_STARTED', 'SNS_NOTIFICATION_SENT'], 90_000),
      );
    }

    for (const [alertId, trail] of trails) {
      expect(
        {
          approved: successes(trail, 'ALERT_APPROVED'),
          started: successes(trail, 'STEP_FUNCTION_STARTED'),
          notified: successes(trail, 'SNS_NOTIFICATION_SENT'),
        },
        alertId,
      ).toEqual({ approved: 1, started: 1, notified: 1 });
    }
    // One execution per approval, each run to its end (an interrupted one is resumed on restart).
    const journal = await until(
      'every execution to end',
      async () => {
        const entries = readdirSync(join(data, 'step-functions', 'executions'))
          .filter((file) => file.endsWith('.json'))
          .map((file) => JSON.parse(readFileSync(join(data, 'step-functions', 'executions', file), 'utf8')))
          .map((entry) => entry as JournalEntry);
        return entries.length === alertIds.length && entries.every((e) => e.status !== 'RUNNING')
          ? entries
          : undefined;
      },
      60_000,
    );
    expect(journal.map((e) => e.name).sort()).toEqual(alertIds.map((id) => `alert-${id}`).sort());
    expect(journal.map((e) => e.status)).toEqual(alertIds.map(() => 'SUCCEEDED'));
  }, 300_000);
});
