import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentUser } from '../../src/cli/api-client';
import type { Alert, AuditEvent } from '../../src/domain/types';
import { localTime } from '../../src/local/present';
import { LocalApi, type Page, type SeededStation, seedAlerts } from './support/api';
import { linesOf, runCli } from './support/cli';
import { type E2eRuntime, startE2eRuntime } from './support/runtime';

// The `ai-ops` CLI (the same program bin/ai-ops runs) against one whole local runtime.

const STAGE = 'e2e';
const STATIONS = ['CLI-ST-1', 'CLI-ST-2', 'CLI-ST-3'] as const;
const UNKNOWN_ID = '00000000-0000-5000-8000-000000000000';
/** Local time with the zone (the suite runs in UTC: vitest.config.ts). */
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/;
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

let e2e: E2eRuntime;
let api: LocalApi;
let endpoint: string;
let operator: string;
let seeded: SeededStation[];
let newestFirst: Alert[];
const me = currentUser();

const stationAt = (i: number): SeededStation => {
  const station = seeded[i];
  if (!station) throw new Error(`no seeded station ${i}`);
  return station;
};
const idsOf = (alerts: readonly { alertId: string }[]): string[] => alerts.map((a) => a.alertId);

beforeAll(async () => {
  e2e = await startE2eRuntime({ stage: STAGE });
  endpoint = e2e.runtime.url;
  api = new LocalApi(endpoint);
  operator = await api.token('cli-operator', { scopes: ['alerts/read'] });
  seeded = await seedAlerts(api, STATIONS);
  newestFirst = [...seeded].reverse().flatMap((s) => [s.chargerDown, s.lowInventory]);
}, 90_000);

afterAll(async () => {
  await e2e?.stop();
});

describe('ai-ops alerts list', () => {
  it('prints every alert as a table, newest first', async () => {
    const result = await runCli('alerts', 'list', '--endpoint', endpoint);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    const [header, ...rows] = linesOf(result.stdout).map((line) => line.split(/\s{2,}/));
    expect(header).toEqual(['ALERT ID', 'STATUS', 'SEVERITY', 'TYPE', 'STATION', 'CREATED', 'OCCURRENCES']);
    expect(rows.map((row) => row[0])).toEqual(idsOf(newestFirst));
    for (const [row, alert] of rows.map((row, i) => [row, newestFirst[i]] as const)) {
      expect(row).toEqual([
        alert?.alertId,
        'PENDING',
        'CRITICAL',
        alert?.alertType,
        alert?.stationId,
        localTime(alert?.createdAt),
        '1',
      ]);
    }
  });

  it('prints the PENDING alerts as JSON', async () => {
    const result = await runCli('alerts', 'list', '--status', 'PENDING', '--json', '--endpoint', endpoint);
    expect(result.exitCode).toBe(0);
    const page = JSON.parse(result.stdout) as Page;
    expect(Array.isArray(page.items)).toBe(true);
    expect(idsOf(page.items)).toEqual(idsOf(newestFirst));
    expect(page.items.every((a) => a.status === 'PENDING')).toBe(true);
    expect(page.nextCursor).toBeNull();
  });

  it('pages with --limit and the --cursor it prints, and filters by --station', async () => {
    const first = await runCli('alerts', 'list', '--limit', '4', '--endpoint', endpoint);
    const more = linesOf(first.stdout).at(-1) ?? '';
    expect(more).toMatch(/^more: --cursor \S+$/);
    const cursor = more.replace('more: --cursor ', '');
    const second = await runCli(
      'alerts',
      'list',
      '--limit',
      '4',
      '--cursor',
      cursor,
      '--json',
      '--endpoint',
      endpoint,
    );
    const page = JSON.parse(second.stdout) as Page;
    expect(idsOf(page.items)).toEqual(idsOf(newestFirst.slice(4)));
    expect(page.nextCursor).toBeNull();

    const station = stationAt(1);
    const filtered = await runCli(
      'alerts',
      'list',
      '--station',
      station.stationId,
      '--json',
      '--endpoint',
      endpoint,
    );
    expect(idsOf((JSON.parse(filtered.stdout) as Page).items)).toEqual([
      station.chargerDown.alertId,
      station.lowInventory.alertId,
    ]);
  });
});

describe('ai-ops alerts show', () => {
  it('prints the alert as JSON, as the API has it, and as readable detail', async () => {
    const alert = stationAt(2).lowInventory;
    const result = await runCli('alerts', 'show', alert.alertId, '--json', '--endpoint', endpoint);
    expect(result.exitCode).toBe(0);
    const shown = JSON.parse(result.stdout) as Alert;
    expect(shown).toEqual((await api.get<Alert>(`/alerts/${alert.alertId}`, operator)).body);
    expect(shown).toMatchObject({
      alertId: alert.alertId,
      stationId: 'CLI-ST-3',
      alertType: 'LOW_INVENTORY',
    });

    const human = await runCli('alerts', 'show', alert.alertId, '--endpoint', endpoint);
    expect(human.stdout).toMatch(new RegExp(`^alert\\s+${alert.alertId}$`, 'm'));
    expect(human.stdout).toMatch(/^status\s+PENDING$/m);
    expect(human.stdout).toMatch(/^station\s+CLI-ST-3$/m);
    expect(human.stdout).toMatch(/^metadata\s+.*chargedBatteries/m);
  });

  it('reports an unknown alert on stderr with exit code 3 (not found)', async () => {
    const result = await runCli('alerts', 'show', UNKNOWN_ID, '--endpoint', endpoint);
    expect(result).toEqual({
      exitCode: 3,
      stdout: '',
      stderr: `error: HTTP 404 from GET /alerts/${UNKNOWN_ID}: alert ${UNKNOWN_ID} does not exist\n`,
    });
  });
});

describe('ai-ops alerts approve / reject', () => {
  it('approves as the current user (the token it gets from the local runtime), then reports the conflict', async () => {
    const alert = stationAt(0).lowInventory;
    const result = await runCli('alerts', 'approve', alert.alertId, '--endpoint', endpoint);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    const line = linesOf(result.stdout);
    expect(line).toHaveLength(1);
    const [, by, at] = /^alert \S+ APPROVED by (.+) at (.+)$/.exec(line[0] ?? '') ?? [];
    expect(line[0]).toContain(`alert ${alert.alertId} APPROVED`);
    expect(by).toBe(me);
    expect(at).toMatch(LOCAL_TIME);
    const stored = (await api.get<Alert>(`/alerts/${alert.alertId}`, operator)).body;
    expect(stored).toMatchObject({ status: 'APPROVED', approvedBy: me });
    expect(localTime(stored.approvedAt)).toBe(at);

    const again = await runCli('alerts', 'approve', alert.alertId, '--endpoint', endpoint);
    expect(again).toEqual({
      exitCode: 4,
      stdout: '',
      stderr: `error: HTTP 409 from POST /alerts/${alert.alertId}/approve: alert ${alert.alertId} is APPROVED, not PENDING (current status: APPROVED)\n`,
    });
  });

  it('rejects with --reason, and prints the field errors of a refused rejection', async () => {
    const alert = stationAt(0).chargerDown;
    const empty = await runCli('alerts', 'reject', alert.alertId, '--reason', '  ', '--endpoint', endpoint);
    expect(empty).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `error: HTTP 400 from POST /alerts/${alert.alertId}/reject: invalid rejection\n  - reason: must not be empty\n`,
    });

    const reason = 'field team already on site';
    const result = await runCli(
      'alerts',
      'reject',
      alert.alertId,
      '--reason',
      reason,
      '--code',
      'ALREADY_HANDLED',
      '--endpoint',
      endpoint,
    );
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout).toContain(' (ALREADY_HANDLED): ');
    expect(result.stdout.startsWith(`alert ${alert.alertId} REJECTED by ${me} at `)).toBe(true);
    expect(result.stdout.endsWith(`: ${reason}\n`)).toBe(true);
    expect((await api.get<Alert>(`/alerts/${alert.alertId}`, operator)).body).toMatchObject({
      status: 'REJECTED',
      rejectedBy: me,
      rejectionReason: reason,
      rejectionCode: 'ALREADY_HANDLED',
    });
  });

  it('reports an unknown alert on stderr with exit code 3 (not found)', async () => {
    const approve = await runCli('alerts', 'approve', UNKNOWN_ID, '--endpoint', endpoint);
    expect(approve).toMatchObject({ exitCode: 3, stdout: '' });
    expect(approve.stderr).toBe(
      `error: HTTP 404 from POST /alerts/${UNKNOWN_ID}/approve: alert ${UNKNOWN_ID} does not exist\n`,
    );
    const reject = await runCli('alerts', 'reject', UNKNOWN_ID, '--reason', 'dup', '--endpoint', endpoint);
    expect(reject).toMatchObject({ exitCode: 3, stdout: '' });
    expect(reject.stderr).toContain('HTTP 404');
  });
});

describe('ai-ops audit', () => {
  it("prints an approved alert's whole trail as JSON, oldest first, and as a timeline", async () => {
    const alert = stationAt(0).lowInventory;
    const expected = await api.waitForTrail(operator, alert.alertId, [
      'ALERT_CREATED',
      'ALERT_APPROVED',
      'STEP_FUNCTION_STARTED',
      'SNS_NOTIFICATION_SENT',
      'STEP_FUNCTION_SUCCEEDED',
    ]);
    const result = await runCli('audit', alert.alertId, '--json', '--endpoint', endpoint);
    expect(result.exitCode).toBe(0);
    const trail = JSON.parse(result.stdout) as { items: AuditEvent[] };
    expect(trail.items).toEqual(expected);
    const times = trail.items.map((s) => s.timestamp);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(trail.items.map((s) => s.actionType).slice(0, 2)).toEqual(['ALERT_CREATED', 'ALERT_APPROVED']);
    expect(trail.items.find((s) => s.actionType === 'ALERT_APPROVED')?.userId).toBe(me);

    const human = await runCli('audit', alert.alertId, '--endpoint', endpoint);
    const [header, ...steps] = linesOf(human.stdout).map((line) => line.split(/\s{2,}/));
    expect(header).toEqual(['TIME', 'ACTION', 'STATUS', 'BY', 'DETAILS']);
    expect(steps.map((step) => step[1])).toEqual(trail.items.map((s) => s.actionType));
    expect(steps[0]?.slice(0, 4)).toEqual([
      localTime(trail.items[0]?.timestamp),
      'ALERT_CREATED',
      'SUCCESS',
      'system',
    ]);
  });

  it('prints the rejection with its reason', async () => {
    const alert = stationAt(0).chargerDown;
    await api.waitForTrail(operator, alert.alertId, ['ALERT_REJECTED']);
    const result = await runCli('audit', alert.alertId, '--json', '--endpoint', endpoint);
    const trail = JSON.parse(result.stdout) as { items: AuditEvent[] };
    expect(trail.items.map((s) => s.actionType)).toEqual(['ALERT_CREATED', 'ALERT_REJECTED']);
    expect(trail.items[1]?.details).toMatchObject({ rejectionReason: 'field team already on site' });
  });

  it('reports an unknown alert on stderr with exit code 3 (not found)', async () => {
    const result = await runCli('audit', UNKNOWN_ID, '--endpoint', endpoint);
    expect(result).toEqual({
      exitCode: 3,
      stdout: '',
      stderr: `error: HTTP 404 from GET /alerts/${UNKNOWN_ID}/audit: alert ${UNKNOWN_ID} does not exist\n`,
    });
  });
});

describe('ai-ops token', () => {
  it('prints only the token on stdout (what it grants on stderr), one the runtime accepts', async () => {
    const result = await runCli('token', '--sub', 'cli-carol', '--endpoint', endpoint);
    expect(result.exitCode).toBe(0);
    expect(linesOf(result.stdout)).toHaveLength(1);
    const token = result.stdout.trimEnd();
    expect(token).toMatch(JWT);
    expect(result.stderr).toBe(
      '# sub=cli-carol scope="metrics/write alerts/read alerts/decide" expires_in=3600s\n',
    );
    const list = await api.get<Page>('/alerts', token);
    expect(list.status).toBe(200);
    expect(idsOf(list.body.items)).toHaveLength(newestFirst.length);

    // The CLI acts as the token's subject when given one.
    const alert = stationAt(1).lowInventory;
    const approve = await runCli(
      'alerts',
      'approve',
      alert.alertId,
      '--token',
      token,
      '--json',
      '--endpoint',
      endpoint,
    );
    expect(approve.exitCode).toBe(0);
    expect(JSON.parse(approve.stdout)).toMatchObject({ status: 'APPROVED', approvedBy: 'cli-carol' });
  });

  it('grants only the scopes asked for', async () => {
    const result = await runCli(
      'token',
      '--sub',
      'cli-dave',
      '--scope',
      'alerts/read',
      '--endpoint',
      endpoint,
    );
    const token = linesOf(result.stdout).at(-1) ?? '';
    expect((await api.get<Page>('/alerts', token)).status).toBe(200);
    const alert = stationAt(1).chargerDown;
    const approve = await runCli(
      'alerts',
      'approve',
      alert.alertId,
      '--token',
      token,
      '--endpoint',
      endpoint,
    );
    expect(approve).toMatchObject({ exitCode: 5, stdout: '' });
    expect(approve.stderr).toContain(`HTTP 403 from POST /alerts/${alert.alertId}/approve: Forbidden`);
    expect((await api.get<Alert>(`/alerts/${alert.alertId}`, operator)).body.status).toBe('PENDING');
  });
});

describe('ai-ops doctor', () => {
  it("passes against the runtime's DynamoDB Local for the runtime's stage", async () => {
    const stage = e2e.runtime.definition.stage;
    expect(stage).toBe(STAGE);
    const result = await runCli(
      'doctor',
      '--dynamodb-endpoint',
      e2e.runtime.dynamodbEndpoint,
      '--stage',
      stage,
      '--json',
    );
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    const report = JSON.parse(result.stdout) as {
      stage: string;
      passed: boolean;
      checks: { name: string; ok: boolean }[];
    };
    expect(report).toMatchObject({ stage, passed: true });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    // One check per table of the stage at least, each named for its table.
    for (const table of ['metrics', 'alerts', 'audit', 'idempotency'])
      expect(report.checks.map((c) => c.name)).toContain(`ai-ops-${table}-${stage}: key schema`);
  });

  it('fails for a stage whose tables the runtime did not create', async () => {
    const result = await runCli(
      'doctor',
      '--dynamodb-endpoint',
      e2e.runtime.dynamodbEndpoint,
      '--stage',
      'test',
      '--json',
    );
    expect(result.exitCode).toBe(1);
    expect((JSON.parse(result.stdout) as { passed: boolean }).passed).toBe(false);
  });
});
