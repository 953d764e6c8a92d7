import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogTap } from '../../src/local/log-tap';
import type { LocalRuntime } from '../../src/local/runtime';
import { metric } from '../support/metric-factory';
import { type E2eRuntime, startE2eRuntime, until } from './support/runtime';

const logDir = mkdtempSync(join(tmpdir(), 'ai-ops-e2e-logs-'));
const logFile = join(logDir, 'logs.jsonl');
let e2e: E2eRuntime;
let runtime: LocalRuntime;
let tap: LogTap;

beforeAll(async () => {
  const { tapOutput } = await import('../../src/local/log-tap');
  tap = tapOutput(logFile, () => undefined);
  // The handlers log at INFO so one alert's trail can be read back from their lines.
  e2e = await startE2eRuntime({ stage: 'e2e', logLevel: 'INFO' });
  runtime = e2e.runtime;
}, 120_000);

afterAll(async () => {
  await e2e?.stop();
  tap?.restore();
  await rm(logDir, { recursive: true, force: true });
});

describe('the local pipeline, end to end', () => {
  it('turns metrics into an alert, approves it, and records every step in its audit trail', async () => {
    const health = await fetch(`${runtime.url}/health`);
    expect(health.status).toBe(200);

    const token = async (sub: string, scopes?: string[]) => {
      const res = await fetch(`${runtime.url}/local/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sub, ...(scopes ? { scopes } : {}) }),
      });
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const station = await token('station-e2e', ['metrics/write']);
    const operator = await token('operator-e2e');
    const call = (path: string, bearer: string, init: RequestInit = {}) =>
      fetch(`${runtime.url}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${bearer}`,
          'content-type': 'application/json',
          ...(init.headers ?? {}),
        },
      });

    // No token, and a token without the scope, are refused before any handler runs.
    expect((await fetch(`${runtime.url}/alerts`)).status).toBe(401);
    expect((await call('/alerts', station)).status).toBe(403);

    const now = Date.now();
    const readings = [3, 2, 1].map((charged, i) =>
      metric({
        stationId: 'E2E_STATION',
        timestamp: now - (2 - i) * 10_000,
        swapRate: 12,
        chargerUptime: 99,
        chargedBatteries: charged,
        unchargedBatteries: 20,
      }),
    );
    const ingest = await call('/metrics', station, { method: 'POST', body: JSON.stringify(readings) });
    expect(ingest.status).toBe(202);
    expect(await ingest.json()).toEqual({ accepted: 3 });

    type Alert = {
      alertId: string;
      status: string;
      alertType: string;
      stationId: string;
      approvedBy?: string;
    };
    const alert = await until('the LOW_INVENTORY alert', async () => {
      const res = await call('/alerts?status=PENDING&stationId=E2E_STATION', operator);
      const { items } = (await res.json()) as { items: Alert[] };
      return items.find((a) => a.alertType === 'LOW_INVENTORY');
    });

    const approved = await call(`/alerts/${alert.alertId}/approve`, operator, {
      method: 'POST',
      body: '{"approvedBy":"mallory"}',
    });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ status: 'APPROVED', approvedBy: 'operator-e2e' });
    const again = await call(`/alerts/${alert.alertId}/approve`, operator, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ currentStatus: 'APPROVED' });

    type Step = { actionType: string; status: string; userId: string; details: Record<string, unknown> };
    const expected = [
      'ALERT_CREATED',
      'ALERT_APPROVED',
      'STEP_FUNCTION_STARTED',
      'SNS_NOTIFICATION_SENT',
      'STEP_FUNCTION_SUCCEEDED',
    ];
    const trail = await until(
      'the whole audit trail',
      async () => {
        const res = await call(`/alerts/${alert.alertId}/audit`, operator);
        const { items } = (await res.json()) as { items: Step[] };
        const types = items.map((s) => s.actionType);
        return expected.every((t) => types.includes(t)) ? items : undefined;
      },
      30_000,
    );
    expect(trail.map((s) => s.actionType).slice(0, 2)).toEqual(['ALERT_CREATED', 'ALERT_APPROVED']);
    expect(trail.every((s) => s.status === 'SUCCESS')).toBe(true);
    expect(trail.find((s) => s.actionType === 'ALERT_APPROVED')?.userId).toBe('operator-e2e');
    expect(trail.find((s) => s.actionType === 'STEP_FUNCTION_STARTED')?.details.executionArn).toMatch(
      /:execution:/,
    );

    // The workflow recorded its outcome on the alert, and the notifications reached the local sink.
    const final = (await (await call(`/alerts/${alert.alertId}`, operator)).json()) as Alert & {
      remediation?: { status: string };
    };
    expect(final.remediation?.status).toBe('SUCCEEDED');
    const notifications = (await readFile(runtime.files.notifications, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const forAlert = notifications.filter((n: { message: string }) => n.message.includes(alert.alertId));
    expect(forAlert.length).toBeGreaterThanOrEqual(2);
    expect(forAlert[0].messageAttributes).toMatchObject({
      alertType: 'LOW_INVENTORY',
      stationId: 'E2E_STATION',
    });

    // One alert's whole trail can be followed across functions in the logs by its alertId alone.
    await runtime.idle();
    const lines = (await readFile(logFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.alertId === alert.alertId);
    const messages = new Set(lines.map((l) => l.message));
    for (const message of [
      'alert created',
      'alert approved',
      'alert change dispatched',
      'workflow outcome recorded',
    ]) {
      expect(messages, message).toContain(message);
    }
    const functions = new Set(lines.map((l) => l.function_name));
    expect([...functions].sort()).toEqual(
      [
        'ai-ops-e2e-decideAlert',
        'ai-ops-e2e-dispatchAlertChange',
        'ai-ops-e2e-evaluateMetrics',
        'ai-ops-e2e-planRemediation',
        'ai-ops-e2e-recordWorkflowOutcome',
      ].sort(),
    );
  });
});
