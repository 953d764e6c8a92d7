#!/usr/bin/env node
// The `ai-ops` command of a checkout. Runs the JavaScript build (dist/cli, made at install by `prepare`
// or by `npm run build:cli`) when it is at least as new as the sources; otherwise the TypeScript
// sources through tsx (a dev dependency), which is slower to start but never stale.
import { readdirSync, statSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// V8's code cache on disk (Node 22.1+): later starts skip compiling commander, zod and the CLI again.
module.enableCompileCache?.();

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist', 'cli', 'main.js');

/** The build is fresh when no source file changed after it was written. */
const buildIsFresh = () => {
  let builtAt;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    return false;
  }
  const sources = join(root, 'src');
  for (const entry of readdirSync(sources, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && statSync(join(entry.parentPath, entry.name)).mtimeMs > builtAt) return false;
  }
  return statSync(join(root, 'package.json')).mtimeMs <= builtAt;
};

if (buildIsFresh()) {
  await import(built);
} else {
  if (process.stderr.isTTY)
    process.stderr.write(
      'ai-ops: the sources changed since the last build; running them through tsx (npm run build:cli makes it fast again)\n',
    );
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
