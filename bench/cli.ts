/**
 * How fast the `ai-ops` command answers: `ai-ops --version` (start-up: Node, the built CLI, its option
 * tree) and `ai-ops alerts list --json` against a local runtime it finds through runtime.json (start-up,
 * discovery, a token from the runtime, the request). Each is the median wall time of separate processes,
 * as a user or a script runs them; `npm run ai-ops` adds npm's own start, measured apart.
 * Run: npm run bench:cli   (builds the CLI first; the last line is one JSON object)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { outOfStockMetric } from '../test/e2e/support/api';

const run = promisify(execFile);
const RUNS = 10;
const TARGETS = { startupMs: 300, alertsListMs: 600 };

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/**
 * Wall time of one run of `command args`, which must succeed. Asynchronous: the runtime the command
 * talks to runs in this process and must keep answering meanwhile.
 */
const timed = async (command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> => {
  const started = performance.now();
  try {
    await run(command, args, { env, encoding: 'utf8' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr ?? ''}${stdout ?? ''}`);
  }
  return performance.now() - started;
};

const medianOf = async (runs: number, command: string, args: string[], env: NodeJS.ProcessEnv) => {
  await timed(command, args, env); // warm the file cache: the first run reads every module from disk
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timed(command, args, env));
  return {
    medianMs: Math.round(median(times)),
    minMs: Math.round(Math.min(...times)),
    maxMs: Math.round(Math.max(...times)),
  };
};

const main = async (): Promise<void> => {
  // The functions' logs and EMF lines are not this benchmark's output.
  process.env.LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const { startLocalRuntime } = await import('../src/local/runtime');
  const scratch = mkdtempSync(join(tmpdir(), 'ai-ops-bench-cli-'));
  const config = join(scratch, 'config.json');
  writeFileSync(config, '{}');
  const env = {
    ...process.env,
    AIOPS_DATA: scratch,
    AIOPS_CONFIG: config,
    AIOPS_ENDPOINT: '',
    AIOPS_TOKEN: '',
    NO_COLOR: '1',
  };
  const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const runtime = await startLocalRuntime({ port: 0, scratchDir: scratch, stage: 'local', logger: silent });
  try {
    // A page worth listing: 20 alerts.
    const token = await runtime.issuer.issue({ sub: 'bench-cli', scopes: ['metrics/write'] });
    const readings = Array.from({ length: 20 }, (_, i) =>
      outOfStockMetric(`BENCH_CLI_${i}`, Date.now() - 60_000),
    );
    const ingest = await fetch(`${runtime.url}/metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(readings),
    });
    if (ingest.status !== 202) throw new Error(`POST /metrics answered ${ingest.status}`);
    await runtime.idle();

    const node = process.execPath;
    const bin = join(process.cwd(), 'bin', 'ai-ops.js');
    const startup = await medianOf(RUNS, node, [bin, '--version'], env);
    const alertsList = await medianOf(RUNS, node, [bin, 'alerts', 'list', '--json'], env);
    const npmRun = await medianOf(5, 'npm', ['run', '-s', 'ai-ops', '--', '--version'], env);
    const figures = {
      startupMs: startup.medianMs,
      alertsListMs: alertsList.medianMs,
      npmRunVersionMs: npmRun.medianMs,
      targets: TARGETS,
      runs: RUNS,
      node: process.version,
      detail: { startup, alertsList, npmRun },
    };
    console.log(
      `ai-ops --version                 median ${startup.medianMs} ms (target ${TARGETS.startupMs})`,
    );
    console.log(
      `ai-ops alerts list --json        median ${alertsList.medianMs} ms (target ${TARGETS.alertsListMs})`,
    );
    console.log(`npm run ai-ops -- --version      median ${npmRun.medianMs} ms (npm's own start included)`);
    console.log(JSON.stringify(figures));
  } finally {
    await runtime.stop();
    await rm(scratch, { recursive: true, force: true });
  }
};

await main();
