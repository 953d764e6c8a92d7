import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalApi, seedAlerts } from './support/api';
import { until } from './support/runtime';

// The README's quick start, pasted as a newcomer would: its fenced shell snippets run against a real
// `npm start` (in its own data folder and on a free port), and each must succeed.

const README = readFileSync('README.md', 'utf8');

/** The ```bash blocks of the README between `## <title>` and the next `## ` heading. */
const bashBlocksOf = (title: string): string[] => {
  const start = README.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README has no section "## ${title}"`);
  const next = README.indexOf('\n## ', start + 1);
  const section = README.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
};

/** A block's commands: one per line, trailing comments dropped, continuation lines joined. */
const commandsOf = (block: string): string[] =>
  block
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

const blocks = bashBlocksOf('Quick start');
let data: string;
let start: ChildProcess | undefined;
let startOutput = '';
let api: LocalApi;
let apiUrl: string;
let alertIds: [string, string];
const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  // The runtime's folder and a free port: the snippets find it through runtime.json, as a user's do.
  AIOPS_DATA: data,
  AIOPS_PORT: '0',
  // Nothing from the machine's own setup may steer the snippets elsewhere.
  AIOPS_ENDPOINT: '',
  AIOPS_TOKEN: '',
  AIOPS_CONFIG: join(data, '..', 'readme-config.json'),
  LOG_LEVEL: 'INFO',
  NO_COLOR: '1',
});

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'ai-ops-readme-'));
  data = join(root, 'data');
  writeFileSync(join(root, 'readme-config.json'), '{}');
  // Install already happened (the suite runs in an installed checkout); make sure the build is current.
  execFileSync('npm', ['run', '-s', 'build:cli'], { stdio: 'ignore' });
}, 60_000);

afterAll(async () => {
  if (start?.pid !== undefined && start.exitCode === null) {
    const exited = new Promise((resolve) => start?.once('exit', resolve));
    process.kill(-start.pid, 'SIGINT'); // the npm process group this test started, Java included
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
  }
  if (data) await rm(join(data, '..'), { recursive: true, force: true });
}, 30_000);

describe('the README quick start', () => {
  it('is two commands: one installs and starts the local pipeline, one runs the tests', () => {
    const [first] = blocks;
    expect(commandsOf(first ?? '')).toEqual([
      expect.stringMatching(/^npm (ci|install) && npm start$/),
      'npm test',
    ]);
  });

  it('starts the pipeline with its first command', async () => {
    // Its install half already ran; `npm test` is this suite. The start half runs as written.
    const command =
      commandsOf(blocks[0] ?? '')[0]
        ?.split('&&')[1]
        ?.trim() ?? '';
    expect(command).toBe('npm start');
    start = spawn('bash', ['-c', command], { env: env(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    start.stdout?.on('data', (chunk: Buffer) => {
      startOutput += chunk.toString();
    });
    start.stderr?.on('data', (chunk: Buffer) => {
      startOutput += chunk.toString();
    });
    const runtime = await until(
      'runtime.json of `npm start`',
      async () => {
        if (start?.exitCode !== null) throw new Error(`npm start exited: ${startOutput}`);
        try {
          const file = JSON.parse(readFileSync(join(data, 'runtime.json'), 'utf8')) as {
            state: string;
            apiUrl?: string;
          };
          return file.state === 'running' ? file : undefined;
        } catch {
          return undefined;
        }
      },
      150_000,
    );
    apiUrl = runtime.apiUrl ?? '';
    api = new LocalApi(apiUrl);
    // Two PENDING alerts of our own, whatever the simulator has raised by now.
    const [seeded] = await seedAlerts(api, ['README-ST-1']);
    alertIds = [seeded?.lowInventory.alertId ?? '', seeded?.chargerDown.alertId ?? ''];
    expect(startOutput).toContain('HTTP API');
  }, 180_000);

  it.each(blocks.slice(1).map((block, i) => [i + 2, block] as const))(
    'snippet %i succeeds as pasted',
    (_n, block) => {
      const { host } = new URL(apiUrl);
      const script = block
        .replaceAll('<alertId>', alertIds[0])
        .replaceAll('<anotherAlertId>', alertIds[1])
        // The README's default port; this runtime took a free one.
        .replaceAll('localhost:3000', host);
      const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
        env: env(),
        encoding: 'utf8',
        timeout: 240_000,
      });
      expect({
        status: run.status,
        stderr: run.status === 0 ? '' : run.stderr,
        stdout: run.status === 0 ? '' : run.stdout,
      }).toEqual({
        status: 0,
        stderr: '',
        stdout: '',
      });
    },
    250_000,
  );
});
