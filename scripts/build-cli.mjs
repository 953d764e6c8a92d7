#!/usr/bin/env node
// Builds the `ai-ops` command to JavaScript (dist/cli/) so it starts in a fraction of the time tsx takes
// to compile it on every run. Runs at install (`prepare`) and on `npm run build:cli`.
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, transform } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'cli');

/**
 * The local runtime finds files next to its modules (the function worker, the DynamoDB Local watchdog,
 * the workflow's ASL file) through import.meta.url. In a bundle that URL would be the chunk's, so each
 * module keeps its own source file's URL; those files stay where they are in the checkout.
 */
const keepSourceUrls = {
  name: 'keep-source-import-meta-url',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      // esbuild's define replaces the expression only: a string that mentions import.meta.url (the
      // function bundles' banner and bootstrap, src/local/function-bundle.ts) is left as it is.
      const { code } = await transform(source, {
        loader: 'ts',
        format: 'esm',
        sourcefile: args.path,
        define: { 'import.meta.url': JSON.stringify(pathToFileURL(args.path).href) },
      });
      return { contents: code, loader: 'js' };
    });
  },
};

await rm(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir,
  bundle: true,
  // Commands load their heavy parts (AWS SDK, the local runtime) with import(): separate chunks, so
  // `ai-ops --version` or `alerts list` never reads them.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // Dependencies stay in node_modules, loaded by Node as usual.
  packages: 'external',
  plugins: [keepSourceUrls],
  logLevel: 'warning',
});
