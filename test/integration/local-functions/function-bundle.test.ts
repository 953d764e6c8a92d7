import { mkdtempSync } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { functionBundle } from '../../../src/local/function-bundle';

const root = mkdtempSync(join(tmpdir(), 'ai-ops-function-bundle-'));
const handlerModule = join(root, 'handler.ts');
/** The bundled code beside the instance script. */
const codeOf = (script: string) => readFile(join(dirname(script), 'index.mjs'), 'utf8');
const answer = (word: string) =>
  writeFile(handlerModule, `export const handler = async (): Promise<string> => ${JSON.stringify(word)};\n`);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the bundle a local function instance runs', () => {
  it('is built once, reused while its sources are unchanged, and rebuilt when one changes', async () => {
    await answer('first answer');
    // Two runtimes starting at once both get a whole bundle.
    const [built, builtMeanwhile] = await Promise.all([
      functionBundle({ root, handlerModule }),
      functionBundle({ root, handlerModule }),
    ]);
    expect(builtMeanwhile).toBe(built);
    expect(await codeOf(built)).toContain('first answer');
    const firstBuild = (await stat(join(dirname(built), 'index.mjs'))).mtimeMs;

    expect(await functionBundle({ root, handlerModule })).toBe(built);
    expect((await stat(join(dirname(built), 'index.mjs'))).mtimeMs).toBe(firstBuild);

    await answer('second answer');
    const rebuilt = await functionBundle({ root, handlerModule });
    const code = await codeOf(rebuilt);
    expect(code).toContain('second answer');
    expect(code).not.toContain('first answer');
  });

  it('fails with the compiler error when a handler does not compile', async () => {
    const broken = join(root, 'broken.ts');
    await writeFile(broken, 'export const handler = async ( => 1;\n');
    await expect(functionBundle({ root, handlerModule: broken })).rejects.toThrow(/broken\.ts/);
  });
});
