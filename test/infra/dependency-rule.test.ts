import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
const depcruise = join(repo, 'node_modules', '.bin', 'depcruise');

/**
 * The dependency rule is tested by breaking it, never in the repository: each case writes its violating
 * files into a temporary copy of src/ and handlers/ and runs the project's depcruise config from there.
 */
let copy: string;
beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), 'ai-ops-depcruise-'));
  for (const entry of ['src', 'handlers', 'tsconfig.json', '.dependency-cruiser.cjs', 'package.json'])
    await cp(join(repo, entry), join(copy, entry), { recursive: true });
  await symlink(join(repo, 'node_modules'), join(copy, 'node_modules'), 'dir');
}, 60_000);
afterAll(async () => {
  if (copy) await rm(copy, { recursive: true, force: true });
});

/** Writes the files, cruises from them, removes them; the exit code and depcruise's JSON report. */
const cruise = async (files: Record<string, string>) => {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(copy, path)), { recursive: true });
    await writeFile(join(copy, path), text);
  }
  const args = ['--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...Object.keys(files)];
  try {
    const { stdout } = await run(depcruise, args, { cwd: copy, maxBuffer: 64 * 1024 * 1024 });
    // The JSON reporter exits 0 whatever it finds; `npm run depcheck` (the err reporter) fails on errors.
    const summary = report(stdout);
    return { failed: summary.error > 0, violations: summary.violations };
  } catch (error) {
    const { stdout = '' } = error as { stdout?: string };
    return { failed: true, violations: report(stdout).violations };
  } finally {
    for (const path of Object.keys(files)) await rm(join(copy, path), { force: true });
  }
};

interface Violation {
  from: string;
  rule: { name: string };
}
const report = (stdout: string) =>
  (JSON.parse(stdout) as { summary: { error: number; violations: Violation[] } }).summary;

describe('the dependency rule (.dependency-cruiser.cjs)', () => {
  it('passes the code as it is (the control for every case below)', async () => {
    const result = await cruise({
      'handlers/zz-control.ts':
        "export * from '../src/streams/evaluate-batch';\nexport * from '../src/config';\n",
    });
    expect(result).toEqual({ failed: false, violations: [] });
  }, 60_000);

  // Every broken case is written at once, each in a file of its own, and cruised in one run: depcruise
  // takes seconds to start, and a violation names the file it comes from, so the cases cannot mask
  // each other. The control above proves the code cruises clean without them.
  const CASES: [string, string, string, RegExp][] = [
    [
      'use-cases -> src/http (and so aws-lambda)',
      'src/use-cases/zz-http.ts',
      "export * from '../http/response';\n",
      /not-in-allowed|pure-core/,
    ],
    [
      'use-cases -> src/config',
      'src/use-cases/zz-config.ts',
      "export * from '../config';\n",
      /pure-core-no-adapters/,
    ],
    [
      'use-cases -> aws-lambda types',
      'src/use-cases/zz-lambda.ts',
      "export type { Context } from 'aws-lambda';\n",
      /pure-core-no-aws/,
    ],
    [
      'src/http -> src/local',
      'src/http/zz.ts',
      "export * from '../local/lambda-context';\n",
      /lambda-code-never-imports-local-or-cli/,
    ],
    ['domain -> rules', 'src/domain/zz.ts', "export * from '../rules';\n", /domain-below-rules/],
    [
      'adapters -> streams',
      'src/adapters/zz.ts',
      "export * from '../streams/decode';\n",
      /adapters-point-inward/,
    ],
    [
      'rules -> a node builtin',
      'src/rules/zz.ts',
      "export { readFile } from 'node:fs/promises';\n",
      /not-in-allowed/,
    ],
    [
      'observability -> adapters',
      'src/observability/zz.ts',
      "export * from '../adapters/dynamodb/client';\n",
      /not-in-allowed/,
    ],
  ];
  let batch: Awaited<ReturnType<typeof cruise>>;
  beforeAll(async () => {
    batch = await cruise({
      ...Object.fromEntries(CASES.map(([, path, text]) => [path, text])),
      // The transitive case: nothing in the handler itself is wrong, its import chain is.
      'src/streams/zz-bridge.ts': "export * from './zz-deeper';\n",
      'src/streams/zz-deeper.ts': "export const dependency = () => import('../local/log-tap');\n",
      'handlers/zz-handler.ts': "export * from '../src/streams/zz-bridge';\n",
    });
  }, 60_000);

  it.each(CASES)('fails on %s', (_case, path, _text, rule) => {
    expect(batch.failed).toBe(true);
    const named = batch.violations.filter((v) => v.from === path).map((v) => v.rule.name);
    expect(
      named.some((name) => rule.test(name)),
      `${path} broke ${named.join(', ') || 'no rule'}`,
    ).toBe(true);
  });

  it('fails when a handler reaches src/local through another layer (transitively)', () => {
    const named = batch.violations.filter((v) => v.from === 'handlers/zz-handler.ts').map((v) => v.rule.name);
    expect(named).toContain('handlers-never-reach-local-or-cli');
  });
});
