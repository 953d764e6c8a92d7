#!/usr/bin/env node
// Builds the operator console (console/) into static files under dist/console/: one JS and one CSS file,
// minified, with Preact and uPlot inside, so the page needs no CDN and works offline. Runs at install
// (`prepare`), on `npm run build:console`, and from the local runtime when the files are missing.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'console');

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { app: 'console/main.tsx' },
  outdir,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: 'console/tsconfig.json',
  legalComments: 'none',
  logLevel: 'warning',
});
await copyFile(join(root, 'console', 'index.html'), join(outdir, 'index.html'));
