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

/** Writes the files, cruises from them, removes them; the exit code and the rules named. */
const cruise = async (files: Record<string, string>) => {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(copy, path)), { recursive: true });
    await writeFile(join(copy, path), text);
  }
  try {
    await run(depcruise, ['--config', '.dependency-cruiser.cjs', ...Object.keys(files)], { cwd: copy });
    return { failed: false, output: '' };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { failed: true, output: `${stdout}${stderr}` };
  } finally {
    for (const path of Object.keys(files)) await rm(join(copy, path), { force: true });
  }
};

describe('the dependency rule (.dependency-cruiser.cjs)', () => {
  it('passes the code as it is (the control for every case below)', async () => {
    const result = await cruise({
      'handlers/zz-control.ts':
        "export * from '../src/streams/evaluate-batch';\nexport * from '../src/config';\n",
    });
    expect(result).toEqual({ failed: false, output: '' });
  }, 60_000);

  it.each([
    [
      'use-cases -> src/http (and so aws-lambda)',
      'src/use-cases/zz.ts',
      "export * from '../http/response';\n",
      /not-in-allowed|pure-core/,
    ],
    [
      'use-cases -> src/config',
      'src/use-cases/zz.ts',
      "export * from '../config';\n",
      /pure-core-no-adapters/,
    ],
    [
      'use-cases -> aws-lambda types',
      'src/use-cases/zz.ts',
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
  ])(
    'fails on %s',
    async (_case, path, text, rule) => {
      const result = await cruise({ [path]: text });
      expect(result.failed).toBe(true);
      expect(result.output).toMatch(rule);
    },
    60_000,
  );

  it('fails when a handler reaches src/local through another layer (transitively)', async () => {
    const result = await cruise({
      'src/streams/zz-bridge.ts': "export * from './zz-deeper';\n",
      'src/streams/zz-deeper.ts': "export const dependency = () => import('../local/log-tap');\n",
      'handlers/zz-handler.ts': "export * from '../src/streams/zz-bridge';\n",
    });
    expect(result.failed).toBe(true);
    expect(result.output).toMatch(/handlers-never-reach-local-or-cli/);
  }, 60_000);
});
