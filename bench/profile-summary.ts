/**
 * Summarises the V8 CPU profiles of a profiled bench:pipeline run, one per thread (docs/benchmarks.md,
 * "Profiling"):
 *
 *   npx tsx --cpu-prof --cpu-prof-dir=prof bench/pipeline.ts
 *   npx tsx bench/profile-summary.ts prof [top]
 *
 * For each profile: which thread it is (the runtime's main thread, or the function whose handler the
 * worker loaded), its busy time, and where that time went by package or project file (self time) and by
 * the project's own functions (inclusive time). The profiler samples wall time: on a loaded machine a
 * thread waiting for a core, or a system call that wakes another thread, counts as busy, so compare
 * shares between runs rather than milliseconds.
 */
import { readdir, readFile } from 'node:fs/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [dir = 'prof', topArg = '12'] = process.argv.slice(2);
const top = Number(topArg);
const IDLE = new Set(['(idle)', '(program)']);

/** node_modules/<package> or the project file, so that a summary reads as "who", not "where". */
const ownerOf = (url: string): string => {
  if (url === '') return '(native)';
  const pkg = url.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  if (pkg?.[1]) return pkg[1];
  if (url.startsWith('node:')) return url;
  const own = url.match(/\/((src|handlers|bench|test)\/.*)$/);
  return own?.[1] ?? url;
};

const ms = (us: number): string => `${(us / 1000).toFixed(0)} ms`;

const summarise = (name: string, profile: CpuProfile): string[] => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });

  let busy = 0;
  const byOwner = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    if (IDLE.has(node.callFrame.functionName)) continue;
    busy += us;
    const owner = node.callFrame.url ? ownerOf(node.callFrame.url) : node.callFrame.functionName;
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
    // Each project function on the stack once, however deep it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame || !/\/(src|handlers)\//.test(frame.url)) continue;
      const key = `${frame.functionName || '(anonymous)'} ${ownerOf(frame.url)}:${frame.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  // The main thread loaded the runtime; a function instance loaded its handler module.
  const urls = new Set(profile.nodes.map((n) => n.callFrame.url));
  const handlers = [...urls].flatMap((url) => url.match(/\/(handlers\/[\w-]+)\.ts$/)?.[1] ?? []);
  const isMain = [...urls].some((url) => url.endsWith('/src/local/runtime.ts'));
  const wall = profile.endTime - profile.startTime;
  const thread = isMain ? 'main thread' : handlers.join(', ') || 'another thread';
  const share = (us: number) => `${((100 * us) / Math.max(1, busy)).toFixed(1).padStart(5)}%`;
  const ranked = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `== ${name}: ${thread}; busy ${ms(busy)} of ${ms(wall)}`,
    '   self time by package or file (share of busy):',
    ...ranked(byOwner).map(([owner, us]) => `   ${share(us)}  ${ms(us).padStart(9)}  ${owner}`),
    '   project functions, inclusive:',
    ...ranked(inclusive).map(([key, us]) => `   ${share(us)}  ${ms(us).padStart(9)}  ${key}`),
  ];
};

/**
 * A function instance runs a bundle (src/local/function-bundle.ts): its frames are put back on the
 * files the bundle was made of, through the bundle's source map, so that owners and functions read as
 * they would unbundled (the name, where the map has one; a minified name otherwise).
 */
const sourceMaps = new Map<string, SourceMap | undefined>();
const sourceMapOf = async (url: string): Promise<SourceMap | undefined> => {
  if (!url.startsWith('file:') || !url.endsWith('.mjs')) return undefined;
  if (!sourceMaps.has(url)) {
    const payload = await readFile(`${fileURLToPath(url)}.map`, 'utf8').then(
      (text) => JSON.parse(text) as SourceMapPayload,
      () => undefined,
    );
    sourceMaps.set(url, payload ? new SourceMap(payload) : undefined);
  }
  return sourceMaps.get(url);
};
const unbundle = async (profile: CpuProfile): Promise<CpuProfile> => {
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    const map = await sourceMapOf(frame.url);
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
    if (!entry || !('originalSource' in entry)) continue;
    const source = resolve(dirname(fileURLToPath(frame.url)), entry.originalSource);
    // Node's findEntry also returns the original name where the map has one; @types/node leaves it out.
    const { name } = entry as { name?: string };
    node.callFrame = {
      functionName: name ?? frame.functionName,
      url: `file://${source}`,
      lineNumber: entry.originalLine,
      columnNumber: entry.originalColumn,
    };
  }
  return profile;
};

const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
if (files.length === 0) throw new Error(`no .cpuprofile files in ${dir}`);
for (const file of files) {
  const profile = await unbundle(JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile);
  for (const line of summarise(file, profile)) console.log(line);
}
