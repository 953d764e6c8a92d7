import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliConfig } from '../../../src/cli/config-file';
import { loadConfig } from '../../../src/cli/config-file';
import { CliError } from '../../../src/cli/errors';
import { checkUrl, resolveTarget } from '../../../src/cli/target';
import { claimDataFolder, type DataFolderClaim } from '../../../src/local/runtime-file';

const noConfig: CliConfig = { files: [] };
const claims: DataFolderClaim[] = [];

/** A data folder holding a running runtime's file, as `ai-ops start` leaves it. */
const runningRuntime = async (stage = 'local') => {
  const dir = mkdtempSync(join(tmpdir(), 'ai-ops-target-'));
  const claim = await claimDataFolder(dir, { stage, port: 0 });
  await claim.publish({ apiUrl: 'http://127.0.0.1:4277', dynamodbEndpoint: 'http://127.0.0.1:4555' });
  claims.push(claim);
  return dir;
};

afterEach(() => {
  for (const claim of claims.splice(0)) claim.release();
});

describe('where the CLI finds its runtime', () => {
  it('takes the flag, then AIOPS_ENDPOINT, then the config file, then the runtime file, then the default', async () => {
    const data = await runningRuntime();
    const config: CliConfig = { files: ['/p/.ai-opsrc.json'], endpoint: 'http://config:1' };
    const env = { AIOPS_ENDPOINT: 'http://env:1' };
    expect(resolveTarget({ data, api: 'http://flag:1' }, env, config).api).toEqual({
      value: 'http://flag:1',
      from: 'flag',
    });
    expect(resolveTarget({ data, endpoint: 'http://flag:2' }, env, config).api.value).toBe('http://flag:2');
    expect(resolveTarget({ data }, env, config).api).toEqual({ value: 'http://env:1', from: 'env' });
    expect(resolveTarget({ data }, {}, config).api).toEqual({ value: 'http://config:1', from: 'config' });
    expect(resolveTarget({ data }, {}, noConfig).api).toEqual({
      value: 'http://127.0.0.1:4277',
      from: 'runtime file',
    });
    const empty = mkdtempSync(join(tmpdir(), 'ai-ops-target-'));
    expect(resolveTarget({ data: empty }, {}, noConfig).api).toEqual({
      value: 'http://localhost:3000',
      from: 'default',
    });
  });

  it("uses the runtime's DynamoDB and stage unless pointed at another stage or region", async () => {
    const data = await runningRuntime('local');
    const local = resolveTarget({ data }, {}, noConfig);
    expect(local).toMatchObject({
      local: true,
      stage: { value: 'local', from: 'runtime file' },
      dynamodb: { value: 'http://127.0.0.1:4555', from: 'runtime file' },
    });
    const deployed = resolveTarget({ data, stage: 'prod', region: 'eu-west-1' }, {}, noConfig);
    expect(deployed.dynamodb).toBeUndefined();
    expect(deployed.stage).toEqual({ value: 'prod', from: 'flag' });
    // A deployed API means the deployed stage's default, not the local runtime's.
    const remote = resolveTarget({ data, api: 'https://api.example.com' }, {}, noConfig);
    expect(remote.stage).toEqual({ value: 'dev', from: 'default' });
  });

  it('ignores the file of a runtime whose process is gone', () => {
    const data = mkdtempSync(join(tmpdir(), 'ai-ops-target-'));
    writeFileSync(
      join(data, 'runtime.json'),
      JSON.stringify({
        pid: 2 ** 22 + 12345, // above Linux's pid_max: no such process
        state: 'running',
        dataFolder: data,
        stage: 'local',
        port: 0,
        apiUrl: 'http://127.0.0.1:9',
        startedAt: new Date().toISOString(),
      }),
    );
    expect(resolveTarget({ data }, {}, noConfig).api.from).toBe('default');
  });

  it('names the fix for a URL without a scheme', () => {
    expect(() => checkUrl('localhost:4277', '--api')).toThrow(
      '--api localhost:4277 has no http:// or https:// scheme: did you mean http://localhost:4277?',
    );
    try {
      resolveTarget({ endpoint: 'localhost:4277' }, {}, noConfig);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
    }
  });
});

describe('the config file', () => {
  it('reads the project file over the user file, and refuses unknown keys naming them', () => {
    const home = mkdtempSync(join(tmpdir(), 'ai-ops-home-'));
    const project = mkdtempSync(join(tmpdir(), 'ai-ops-project-'));
    const userFile = join(home, 'ai-ops', 'config.json');
    mkdirSync(join(home, 'ai-ops'));
    writeFileSync(userFile, JSON.stringify({ region: 'us-east-1', stage: 'user-stage' }));
    writeFileSync(join(project, '.ai-opsrc.json'), JSON.stringify({ stage: 'qa', output: 'json' }));
    const config = loadConfig(project, { XDG_CONFIG_HOME: home });
    expect(config).toMatchObject({ region: 'us-east-1', stage: 'qa', output: 'json' });
    expect(config.files).toEqual([userFile, join(project, '.ai-opsrc.json')]);
    expect(resolveTarget({ data: project }, {}, config)).toMatchObject({
      stage: { value: 'qa', from: 'config' },
      region: { value: 'us-east-1', from: 'config' },
      json: true,
    });

    writeFileSync(join(project, '.ai-opsrc.json'), JSON.stringify({ endpiont: 'http://x' }));
    expect(() => loadConfig(project, { XDG_CONFIG_HOME: home })).toThrow(/endpiont|Unrecognized key/);
  });
});

describe('the data folder lock', () => {
  it('refuses a folder a live runtime holds, takes over one a crashed runtime left, and releases on stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ai-ops-lock-'));
    const first = await claimDataFolder(dir, { stage: 'local', port: 0 });
    await expect(claimDataFolder(dir, { stage: 'local', port: 0 })).rejects.toThrow(
      /is in use by another ai-ops runtime \(pid \d+ \(starting\)/,
    );
    first.release();
    expect(existsSync(join(dir, 'runtime.json'))).toBe(false);

    // kill -9 leaves the file behind, with the pid of a process that no longer exists.
    writeFileSync(
      join(dir, 'runtime.json'),
      JSON.stringify({
        pid: 2 ** 22 + 12345,
        state: 'running',
        dataFolder: dir,
        stage: 'local',
        port: 0,
        startedAt: '',
      }),
    );
    const second = await claimDataFolder(dir, { stage: 'local', port: 0 });
    expect(JSON.parse(readFileSync(join(dir, 'runtime.json'), 'utf8'))).toMatchObject({
      pid: process.pid,
      state: 'starting',
    });
    second.release();
  });
});
