import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepResult } from '../../src/cli/commands/verify';
import { linesOf, runCli } from './support/cli';
import { type E2eRuntime, startE2eRuntime } from './support/runtime';

/** `ai-ops verify` against the local runtime: the whole flow for one synthetic station, as after a deploy. */
let e2e: E2eRuntime;
beforeAll(async () => {
  e2e = await startE2eRuntime({ stage: 'verify' });
}, 90_000);
afterAll(async () => {
  await e2e?.stop();
});

describe('ai-ops verify', () => {
  it('passes every step against a working stack and prints the table with timings', async () => {
    const result = await runCli('verify', '--api', e2e.runtime.url, '--timeout', '90');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const lines = linesOf(result.stdout);
    expect(lines[0]?.split(/\s{2,}/)).toEqual(['STEP', 'RESULT', 'MS', 'DETAIL']);
    const rows = lines.slice(1, -1).map((line) => line.split(/\s{2,}/));
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      ['ingest readings', 'PASS'],
      ['alert raised', 'PASS'],
      ['alert approved', 'PASS'],
      ['workflow outcome', 'PASS'],
      ['notification sent', 'PASS'],
      ['incident resolved', 'PASS'],
    ]);
    for (const row of rows) expect(Number(row[2])).toBeGreaterThanOrEqual(0);
    expect(lines.at(-1)).toMatch(/^PASS: http:\/\/\S+ \(station VERIFY-[0-9A-F]{8}\)$/);
  }, 120_000);

  it('fails with exit code 1, naming the step, when the stack does not answer as it should', async () => {
    // A token without metrics/write: the very first step is refused, the rest are skipped.
    const token = await fetch(`${e2e.runtime.url}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'reader', scopes: ['alerts/read'] }),
    }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
    const result = await runCli('verify', '--api', e2e.runtime.url, '--token', token, '--json');
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as { passed: boolean; steps: StepResult[] };
    expect(report.passed).toBe(false);
    expect(report.steps.map((s) => s.result)).toEqual([
      'fail',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(report.steps[0]?.detail).toMatch(/403|scope|forbidden/i);
  }, 60_000);
});
