import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../src/local/runtime';
import { linesOf, runCli } from './support/cli';

// `ai-ops start` with a data folder, then the CLI with no flags: it finds the runtime through
// runtime.json (AIOPS_DATA names the folder, as a user's shell or config would), and the runtime's
// guards refuse a second start on the same folder or port before Java starts.

const UNKNOWN_ID = '00000000-0000-5000-8000-000000000000';
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let data: string;
let runtime: LocalRuntime;
const scratch: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'ai-ops-discovery-'));
  scratch.push(dir);
  return dir;
};

/** Every file under `dir` with its size: what a refused start must leave as it was. */
const snapshot = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();

beforeAll(async () => {
  process.env.LOG_LEVEL = 'SILENT';
  const { startLocalRuntime } = await import('../../src/local/runtime');
  data = tempDir();
  runtime = await startLocalRuntime({
    port: 0,
    dataDir: data,
    stage: 'local',
    pollIntervalMs: 50,
    logger: silent,
  });
  vi.stubEnv('AIOPS_DATA', data);
  // Nothing from the machine's own setup may take precedence over the runtime file.
  for (const name of [
    'AIOPS_ENDPOINT',
    'AIOPS_DYNAMODB_ENDPOINT',
    'AIOPS_STAGE',
    'AIOPS_TOKEN',
    'AWS_REGION',
  ])
    vi.stubEnv(name, '');
  // An empty project config: a developer's own .ai-opsrc.json must not steer the test.
  const config = join(tempDir(), '.ai-opsrc.json');
  writeFileSync(config, '{}');
  vi.stubEnv('AIOPS_CONFIG', config);
}, 120_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await runtime?.stop();
  // Stopped: the file is gone, so no command finds a runtime that is not there.
  expect(existsSync(join(data, 'runtime.json'))).toBe(false);
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

describe('the runtime file', () => {
  it('says where the running runtime listens (removed on stop: see afterAll)', () => {
    const file = JSON.parse(readFileSync(join(data, 'runtime.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({
      pid: process.pid,
      state: 'running',
      stage: 'local',
      apiUrl: runtime.url,
      dynamodbEndpoint: runtime.dynamodbEndpoint,
      dataFolder: data,
    });
  });
});

describe('the CLI with no flags', () => {
  it('lists alerts from the runtime it found', async () => {
    const result = await runCli('alerts', 'list', '--json');
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toMatchObject({ items: [] });
  });

  it('prints only the token on stdout', async () => {
    const result = await runCli('token', '--sub', 'alice');
    expect(result.exitCode).toBe(0);
    expect(linesOf(result.stdout)).toHaveLength(1);
    expect(result.stdout.trimEnd()).toMatch(JWT);
    expect(result.stderr).toMatch(/^# sub=alice scope=/);
  });

  it('puts errors on stdout as JSON with --json, with the exit code of their kind', async () => {
    const missing = await runCli('alerts', 'show', UNKNOWN_ID, '--json');
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toBe('');
    expect(JSON.parse(missing.stdout)).toEqual({
      error: {
        code: 'NOT_FOUND',
        message: `HTTP 404 from GET /alerts/${UNKNOWN_ID}: alert ${UNKNOWN_ID} does not exist`,
        status: 404,
      },
    });
    const noScheme = await runCli('alerts', 'list', '--api', 'localhost:4277', '--json');
    expect(noScheme.exitCode).toBe(2);
    expect(JSON.parse(noScheme.stdout)).toEqual({
      error: {
        code: 'USAGE',
        message:
          '--api localhost:4277 has no http:// or https:// scheme: did you mean http://localhost:4277?',
        status: null,
      },
    });
  });

  it('doctor checks the local setup: Node, Java, health, tables, a token round trip', async () => {
    const result = await runCli('doctor', '--json');
    const report = JSON.parse(result.stdout) as {
      mode: string;
      stage: string;
      passed: boolean;
      checks: { name: string; ok: boolean; detail: string }[];
    };
    expect(report).toMatchObject({ mode: 'local', stage: 'local' });
    const names = report.checks.map((c) => c.name);
    for (const name of ['node', 'java', 'runtime', 'runtime health', 'connection', 'token round trip'])
      expect(names).toContain(name);
    expect(names).toContain('ai-ops-alerts-local: key schema');
    // Node is whatever runs the suite (npm test: node@22); every other check must pass.
    const nodeOk = Number(process.versions.node.split('.')[0]) >= 22;
    expect(report.checks.filter((c) => c.name !== 'node' && !c.ok)).toEqual([]);
    expect(report.passed).toBe(nodeOk);
    expect(result.exitCode).toBe(nodeOk ? 0 : 1);
  });
});

describe('replay against the running runtime', () => {
  const fixture = 'test/fixtures/streams/metrics-low-inventory.json';

  it('names the stage to pass when the given one has no tables there', async () => {
    const result = await runCli(
      'replay',
      fixture,
      '--function',
      'evaluateMetrics',
      '--dynamodb-endpoint',
      runtime.dynamodbEndpoint,
      '--stage',
      'dev',
    );
    expect(result.exitCode).toBe(3);
    expect(linesOf(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain('found ai-ops-*-local: pass --stage local');
  }, 60_000);

  it('ends with a summary of what happened: records, batches, failures, alerts raised and merged', async () => {
    const result = await runCli(
      'replay',
      fixture,
      '--function',
      'evaluateMetrics',
      '--dynamodb-endpoint',
      runtime.dynamodbEndpoint,
    );
    expect(result.exitCode).toBe(0);
    const last = linesOf(result.stdout).at(-1);
    expect(last).toMatch(
      /^evaluateMetrics: 3 record\(s\) \(0 filtered out\), \d+ batch\(es\), 0 failure\(s\), 0 dead letter\(s\); alerts raised [1-9]\d*, merged \d+, resolved 0$/,
    );
    const again = await runCli(
      'replay',
      fixture,
      '--function',
      'evaluateMetrics',
      '--dynamodb-endpoint',
      runtime.dynamodbEndpoint,
      '--json',
    );
    const report = JSON.parse(again.stdout) as { summary: Record<string, number> };
    // The same records again: the alert exists, nothing new is raised.
    expect(report.summary).toMatchObject({ records: 3, failures: 0, alertsRaised: 0 });
  }, 90_000);
});

describe('one runtime per data folder, port checked first', () => {
  it('refuses a second start on the same data folder; the first keeps working and its files stay as they were', async () => {
    const before = snapshot(data);
    const runtimeFile = readFileSync(join(data, 'runtime.json'), 'utf8');
    const result = await runCli('start', '--data', data, '--port', '0', '--no-simulator');
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain(
      `the data folder ${data} is in use by another ai-ops runtime (pid ${process.pid}`,
    );
    expect(result.stderr).toContain('pass another --data folder');
    expect(readFileSync(join(data, 'runtime.json'), 'utf8')).toBe(runtimeFile);
    expect(snapshot(data)).toEqual(before);
    const list = await runCli('alerts', 'list', '--json');
    expect(list.exitCode).toBe(0);
  });

  it('refuses a port in use before starting DynamoDB Local, and leaves no lock behind', async () => {
    const other = tempDir();
    const port = new URL(runtime.url).port;
    const result = await runCli('start', '--data', other, '--port', port, '--no-simulator', '--json');
    expect(result.exitCode).toBe(4);
    const { error } = JSON.parse(linesOf(result.stdout).slice(1).join('\n')) as {
      error: { code: string; message: string };
    };
    expect(error.code).toBe('PORT_IN_USE');
    expect(error.message).toMatch(new RegExp(`^port ${port} is in use by .*pass another --port`));
    // Java never started: it would have made its folder under the data folder.
    expect(existsSync(join(other, 'dynamodb'))).toBe(false);
    expect(existsSync(join(other, 'runtime.json'))).toBe(false);
  });
});
