import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { Command } from 'commander';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { alertsCommand } from '../../../src/cli/commands/alerts';
import { auditCommand } from '../../../src/cli/commands/audit';
import { tokenCommand } from '../../../src/cli/commands/token';
import { type CliRun, linesOf, runProgram } from '../../support/cli';
import { type FakeApi, startFakeApi } from './fake-api';

/** Runs `ai-ops ...args` in-process with the API commands, capturing what it printed. */
const run = (...args: string[]): Promise<CliRun> =>
  runProgram(
    new Command('ai-ops').addCommand(tokenCommand()).addCommand(alertsCommand()).addCommand(auditCommand()),
    args,
  );

/** A loopback URL where nothing listens: a port that was free a moment ago. */
const closedLoopbackUrl = async (): Promise<string> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
};

const lines = linesOf;

describe('the CLI against the local HTTP API', () => {
  let fake: FakeApi;
  let endpoint: string;
  const me = userInfo().username;

  beforeAll(async () => {
    fake = await startFakeApi();
    endpoint = fake.api.url;
  });

  afterAll(async () => {
    await fake.api.close();
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const subOfLastEvent = (): unknown => {
    const context = fake.events.at(-1)?.requestContext;
    return context && 'authorizer' in context ? context.authorizer.jwt.claims.sub : undefined;
  };

  describe('token', () => {
    it('prints a token that verifies as its last line', async () => {
      const result = await run(
        'token',
        '--sub',
        'alice',
        '--scope',
        'alerts/read',
        '--scope',
        'alerts/decide',
        '--endpoint',
        endpoint,
      );
      expect(result.exitCode).toBe(0);
      const token = lines(result.stdout).at(-1) ?? '';
      const { payload } = await jwtVerify(token, createLocalJWKSet(fake.issuer.jwks()), {
        issuer: `${endpoint}/local-issuer`,
        audience: 'ai-ops',
      });
      expect(payload).toMatchObject({ sub: 'alice', scope: 'alerts/read alerts/decide' });
    });

    it('grants the default scopes and prints JSON with --json', async () => {
      const result = await run('token', '--sub', 'bob', '--endpoint', endpoint, '--json');
      const body = JSON.parse(result.stdout) as { access_token: string; scope: string; token_type: string };
      expect(body).toMatchObject({ token_type: 'Bearer', scope: 'metrics/write alerts/read alerts/decide' });
      const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(fake.issuer.jwks()));
      expect(payload.sub).toBe('bob');
    });

    it('does not ask a deployed API for a token', async () => {
      const result = await run('token', '--sub', 'alice', '--endpoint', 'https://api.example.invalid');
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/^error: https:\/\/api\.example\.invalid is not the local runtime/);
    });

    it('says so on stderr with exit code 5 (unreachable) when the runtime is not there', async () => {
      const closed = await closedLoopbackUrl();
      const result = await run('token', '--sub', 'alice', '--endpoint', closed);
      expect(result).toMatchObject({ exitCode: 5, stdout: '' });
      expect(result.stderr).toBe(
        `error: cannot reach ${closed}: ECONNREFUSED: is the local runtime running? Start it with \`npm start\` in the ai-ops folder, or pass --api URL\n`,
      );
    });
  });

  describe('alerts', () => {
    it('lists alerts as JSON, getting a token for the current user from the local runtime', async () => {
      const result = await run('alerts', 'list', '--endpoint', endpoint, '--json');
      expect(result.exitCode).toBe(0);
      const page = JSON.parse(result.stdout) as { items: { alertId: string }[]; nextCursor: string | null };
      expect(page.items.map((a) => a.alertId)).toEqual(['alert-1', 'alert-2']);
      expect(subOfLastEvent()).toBe(me);
    });

    it('lists alerts as a table and passes the filters as query parameters', async () => {
      const result = await run(
        'alerts',
        'list',
        '--status',
        'pending',
        '--station',
        'station-7',
        '--limit',
        '1',
        '--cursor',
        'c1',
        '--endpoint',
        endpoint,
      );
      expect(fake.events.at(-1)?.queryStringParameters).toEqual({
        status: 'PENDING',
        stationId: 'station-7',
        limit: '1',
        cursor: 'c1',
      });
      const [header, first, second] = lines(result.stdout);
      expect(header?.split(/\s{2,}/)).toEqual([
        'ALERT ID',
        'STATUS',
        'SEVERITY',
        'TYPE',
        'STATION',
        'CREATED',
        'OCCURRENCES',
      ]);
      expect(first?.split(/\s{2,}/)).toEqual([
        'alert-1',
        'PENDING',
        'HIGH',
        'LOW_INVENTORY',
        'station-7',
        '2024-05-01 10:00:00 UTC',
        '3',
      ]);
      expect(second?.split(/\s{2,}/)[0]).toBe('alert-2');
      expect(lines(result.stdout).at(-1)).toBe('more: --cursor cursor-2');
    });

    it('refuses a bad --limit or --status before calling the API', async () => {
      const invocations = fake.events.length;
      await expect(run('alerts', 'list', '--limit', '0', '--endpoint', endpoint)).rejects.toThrow(/1 to 100/);
      await expect(run('alerts', 'list', '--status', 'OPEN', '--endpoint', endpoint)).rejects.toThrow(
        /PENDING/,
      );
      expect(fake.events.length).toBe(invocations);
    });

    it('shows one alert as JSON and as readable detail', async () => {
      const json = await run('alerts', 'show', 'alert-1', '--endpoint', endpoint, '--json');
      expect(JSON.parse(json.stdout)).toMatchObject({
        alertId: 'alert-1',
        metadata: { chargedBatteries: 2 },
      });
      expect(fake.events.at(-1)?.pathParameters).toEqual({ alertId: 'alert-1' });
      const human = await run('alerts', 'show', 'alert-1', '--endpoint', endpoint);
      expect(human.stdout).toMatch(/^alert\s+alert-1$/m);
      expect(human.stdout).toMatch(/^station\s+station-7$/m);
      expect(human.stdout).toMatch(/^created\s+2024-05-01 10:00:00 UTC$/m);
      expect(human.stdout).toMatch(/^metadata\s+chargedBatteries=2$/m);
    });

    it('reports a missing alert on stderr with exit code 3 (not found)', async () => {
      const result = await run('alerts', 'show', 'nope', '--endpoint', endpoint);
      expect(result).toMatchObject({ exitCode: 3, stdout: '' });
      expect(result.stderr).toBe('error: HTTP 404 from GET /alerts/nope: alert nope does not exist\n');
    });

    it('approves as the token subject', async () => {
      const result = await run('alerts', 'approve', 'alert-1', '--endpoint', endpoint);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe(`alert alert-1 APPROVED by ${me} at 2024-05-01 11:00:00 UTC\n`);
      const json = await run('alerts', 'approve', 'alert-1', '--endpoint', endpoint, '--json');
      expect(JSON.parse(json.stdout)).toMatchObject({ status: 'APPROVED', approvedBy: me });
    });

    it('uses --token, else AIOPS_TOKEN, instead of asking the runtime', async () => {
      const fromEnv = await fake.issuer.issue({ sub: 'env-user' });
      vi.stubEnv('AIOPS_TOKEN', fromEnv);
      await run('alerts', 'approve', 'alert-1', '--endpoint', endpoint);
      expect(subOfLastEvent()).toBe('env-user');
      const fromOption = await fake.issuer.issue({ sub: 'option-user' });
      await run('alerts', 'approve', 'alert-1', '--endpoint', endpoint, '--token', fromOption);
      expect(subOfLastEvent()).toBe('option-user');
    });

    it('shows why the API refused: the status conflict, the missing scope', async () => {
      const conflict = await run('alerts', 'approve', 'alert-2', '--endpoint', endpoint);
      expect(conflict.exitCode).toBe(4);
      expect(conflict.stderr).toBe(
        'error: HTTP 409 from POST /alerts/alert-2/approve: alert alert-2 is APPROVED, not PENDING (current status: APPROVED)\n',
      );
      const readOnly = await fake.issuer.issue({ sub: 'alice', scopes: ['alerts/read'] });
      const forbidden = await run(
        'alerts',
        'approve',
        'alert-1',
        '--endpoint',
        endpoint,
        '--token',
        readOnly,
      );
      expect(forbidden.exitCode).toBe(5);
      expect(forbidden.stderr).toContain(
        'HTTP 403 from POST /alerts/alert-1/approve: Forbidden (the token has none',
      );
    });

    it('rejects with a reason, and prints the field errors of a refused rejection', async () => {
      const result = await run(
        'alerts',
        'reject',
        'alert-1',
        '--reason',
        'duplicate of alert-9',
        '--endpoint',
        endpoint,
        '--json',
      );
      expect(JSON.parse(result.stdout)).toMatchObject({
        status: 'REJECTED',
        rejectedBy: me,
        rejectionReason: 'duplicate of alert-9',
      });
      expect(JSON.parse(fake.events.at(-1)?.body ?? '')).toEqual({ reason: 'duplicate of alert-9' });
      const human = await run('alerts', 'reject', 'alert-1', '--reason', 'dup', '--endpoint', endpoint);
      expect(human.stdout).toBe(`alert alert-1 REJECTED by ${me} at 2024-05-01 11:00:00 UTC: dup\n`);
      const refused = await run('alerts', 'reject', 'alert-1', '--reason', '', '--endpoint', endpoint);
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toBe(
        'error: HTTP 400 from POST /alerts/alert-1/reject: invalid rejection\n  - reason: must not be empty\n',
      );
    });

    it('asks for a token rather than sending none to a deployed API', async () => {
      const result = await run('alerts', 'list', '--endpoint', 'https://api.example.invalid');
      expect(result.exitCode).toBe(5);
      expect(result.stderr).toMatch(
        /no token for https:\/\/api\.example\.invalid: pass --token or set AIOPS_TOKEN/,
      );
    });
  });

  describe('audit', () => {
    it('prints the timeline oldest first, one line per step', async () => {
      const result = await run('audit', 'alert-1', '--endpoint', endpoint);
      expect(result.exitCode).toBe(0);
      const [header, ...steps] = lines(result.stdout).map((line) => line.split(/\s{2,}/));
      expect(header).toEqual(['TIME', 'ACTION', 'STATUS', 'BY', 'DETAILS']);
      expect(steps).toEqual([
        ['2024-05-01 10:00:00 UTC', 'ALERT_CREATED', 'SUCCESS', 'system', 'severity=HIGH'],
        ['2024-05-01 11:00:00 UTC', 'ALERT_APPROVED', 'SUCCESS', 'alice', 'previousStatus=PENDING'],
        ['2024-05-01 11:01:00 UTC', 'STEP_FUNCTION_FAILED', 'FAILED', 'system', 'error: States.Timeout'],
      ]);
      expect(fake.events.at(-1)?.routeKey).toBe('GET /alerts/{alertId}/audit');
    });

    it('prints the trail as JSON, oldest first', async () => {
      const result = await run('audit', 'alert-1', '--endpoint', endpoint, '--json');
      const trail = JSON.parse(result.stdout) as { items: { taskId: string }[] };
      expect(trail.items.map((step) => step.taskId)).toEqual(['t1', 't2', 't3']);
    });
  });
});
