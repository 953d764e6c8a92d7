import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, version as esbuildVersion } from 'esbuild';

/**
 * A local function instance runs one JavaScript file: the function worker and the function's handler
 * module bundled together by esbuild, with the options Lambda packaging uses (serverless.yml's
 * custom.esbuild). Loading TypeScript through tsx in every worker thread cost about a second of CPU
 * per instance; the bundle is built once and kept in node_modules/.cache/ai-ops/functions.
 *
 * Unlike Lambda's bundles, it includes the AWS SDK: Lambda's runtime provides the SDK, here it would
 * come from node_modules as CommonJS behind Node's ESM bridge, which parses every SDK module's source
 * for its exports in each new instance (about a fifth of an instance's start). Bundled, it is the
 * SDK's ES modules, tree-shaken. V8's compile cache (a folder beside the bundle) spares each later
 * instance most of the parsing and compiling.
 */

/** The part of serverless-esbuild's configuration that shapes the code (custom.esbuild). */
export interface PackagingOptions {
  minify?: boolean;
  target?: string;
  mainFields?: string[];
  banner?: { js?: string };
}

export interface FunctionBundleRequest {
  /** The project: where node_modules, package-lock.json and tsconfig.json are. */
  root: string;
  /** The handler's module, absolute path of its TypeScript source. */
  handlerModule: string;
  packaging?: PackagingOptions;
}

/** What Lambda packaging uses when serverless.yml does not say (a fixture's definition). */
const DEFAULT_PACKAGING: Required<PackagingOptions> = {
  minify: false,
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
};

const WORKER_SOURCE = fileURLToPath(new URL('./function-worker.ts', import.meta.url));

/** A file's content hash, as the manifest records it. */
const hashOf = (content: string | Buffer): string => createHash('sha256').update(content).digest('hex');

const readOrEmpty = (path: string): Promise<string> => readFile(path, 'utf8').catch(() => '');

/** Where a bundle's inputs are checked: the project's own sources (packages change with the lockfile). */
const isProjectSource = (path: string): boolean => !path.split(/[\\/]/).includes('node_modules');

interface Manifest {
  /** Project sources the bundle was built from (relative to root) and their content hashes. */
  inputs: Record<string, string>;
}

// The worker first captures stdout and stderr, then loads the handler: esbuild turns this import() of a
// bundled module into a lazy initialisation, so the handler's init logs are captured too.
const entryOf = (handlerModule: string): string =>
  [
    `import { serveFunction } from ${JSON.stringify(WORKER_SOURCE)};`,
    `await serveFunction(() => import(${JSON.stringify(handlerModule)}));`,
    '',
  ].join('\n');

const buildOptionsOf = (request: FunctionBundleRequest, outfile: string): BuildOptions => {
  const packaging = { ...DEFAULT_PACKAGING, ...request.packaging };
  return {
    absWorkingDir: request.root,
    stdin: {
      contents: entryOf(request.handlerModule),
      resolveDir: request.root,
      sourcefile: 'local-function-entry.ts',
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: packaging.target,
    minify: packaging.minify,
    mainFields: packaging.mainFields,
    banner: packaging.banner,
    // Stack traces need the mappings only; without the sources the map is a quarter of the size, which
    // every instance parses at start.
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'silent',
  };
};

/** Whether the manifest's project sources all still have the content they were bundled from. */
const isFresh = async (root: string, manifest: Manifest): Promise<boolean> => {
  const entries = Object.entries(manifest.inputs);
  if (entries.length === 0) return false;
  const current = await Promise.all(
    entries.map(async ([path, hash]) => {
      const content = await readFile(join(root, path)).catch(() => undefined);
      return content !== undefined && hashOf(content) === hash;
    }),
  );
  return current.every(Boolean);
};

/** Writes through a temporary file and a rename, so a concurrent reader sees the old file or the new one. */
const writeAtomically = async (path: string, content: string | Uint8Array): Promise<void> => {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, content);
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
};

/**
 * The instance script: it turns V8's compile cache on before the bundle is compiled (the code cache of
 * a file is only used when it is on at the time), and writes what it compiled once the instance is up.
 */
const BOOTSTRAP = `import { enableCompileCache, flushCompileCache } from 'node:module';
import { fileURLToPath } from 'node:url';
enableCompileCache(fileURLToPath(new URL('./v8-cache/', import.meta.url)));
await import('./index.mjs');
flushCompileCache();
`;

const bundle = async (request: FunctionBundleRequest, dir: string): Promise<string> => {
  const outfile = join(dir, 'index.mjs');
  const bootstrap = join(dir, 'instance.mjs');
  const manifestFile = join(dir, 'manifest.json');
  const manifest = await readFile(manifestFile, 'utf8')
    .then((text) => JSON.parse(text) as Manifest)
    .catch(() => undefined);
  if (manifest && (await isFresh(request.root, manifest))) return bootstrap;

  const result = await build({ ...buildOptionsOf(request, outfile), write: false, metafile: true });
  await mkdir(dir, { recursive: true });
  // The map first, the bundle next, the manifest last: a manifest is only ever read beside its bundle.
  const isMap = (file: { path: string }) => file.path.endsWith('.map');
  for (const file of [...result.outputFiles.filter(isMap), ...result.outputFiles.filter((f) => !isMap(f))])
    await writeAtomically(file.path, file.contents);
  await writeAtomically(bootstrap, BOOTSTRAP);
  const inputs: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    // stdin's entry is generated from the key; every other input is a file under absWorkingDir.
    if (input === 'local-function-entry.ts' || !isProjectSource(input)) continue;
    const path = isAbsolute(input) ? relative(request.root, input) : input;
    inputs[path] = hashOf(await readFile(join(request.root, path)));
  }
  await writeAtomically(manifestFile, JSON.stringify({ inputs } satisfies Manifest));
  return bootstrap;
};

const building = new Map<string, Promise<string>>();

/**
 * The bundled instance script of a handler, built now or taken from the cache while the sources it was
 * built from are unchanged (checked by content; packages by package-lock.json). Safe when several
 * runtimes or test files start at once: every file is replaced whole, by rename.
 */
export const functionBundle = async (request: FunctionBundleRequest): Promise<string> => {
  const options = buildOptionsOf(request, 'index.mjs');
  const key = hashOf(
    JSON.stringify([
      esbuildVersion,
      options,
      BOOTSTRAP,
      await readOrEmpty(join(request.root, 'package-lock.json')),
      await readOrEmpty(join(request.root, 'tsconfig.json')),
    ]),
  ).slice(0, 24);
  const dir = join(request.root, 'node_modules', '.cache', 'ai-ops', 'functions', key);
  let pending = building.get(dir);
  if (!pending) {
    pending = bundle(request, dir);
    building.set(dir, pending);
    // Built or failed, the next start checks the sources again.
    void pending.then(
      () => building.delete(dir),
      () => building.delete(dir),
    );
  }
  return pending;
};
