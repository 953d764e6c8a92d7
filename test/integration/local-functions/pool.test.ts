import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type LocalFunctionPool, startFunction } from '../../../src/local/functions';
import { tapOutput } from '../../../src/local/log-tap';
import type { ServiceDefinition } from '../../../src/local/service-definition';
import { until } from '../../e2e/support/runtime';

/** A service with one function, the probe handler (test/fixtures/local-functions/probe.ts). */
const definition: ServiceDefinition = {
  service: 'fixture',
  stage: 'test',
  provider: {},
  functions: { probe: { handler: 'test/fixtures/local-functions/probe.handler' } },
  resources: { Resources: {} },
};

interface ProbeResult {
  instance: number;
  invocations: number;
  mostAtOnce: number;
  fixtureValue: string | null;
  leaked: string | null;
  remainingMs: number | null;
}

const pools: LocalFunctionPool[] = [];
const start = async (env: Record<string, string> = {}, concurrency = 3) => {
  const pool = await startFunction(definition, 'probe', env, { concurrency });
  pools.push(pool);
  return pool;
};
const probe = (pool: LocalFunctionPool, event: Record<string, unknown> = {}) =>
  pool.invoke(event) as Promise<ProbeResult>;

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.stop()));
});

describe('a local function pool', () => {
  it('serves one caller at a time with a single instance', async () => {
    const pool = await start();
    const results: ProbeResult[] = [];
    for (let i = 0; i < 5; i++) results.push(await probe(pool));
    expect(new Set(results.map((r) => r.instance)).size).toBe(1);
    expect(results.map((r) => r.invocations)).toEqual([1, 2, 3, 4, 5]);
    expect(pool.stats()).toMatchObject({ instances: 1, invocations: 5, waited: 0, queued: 0 });
    // The instance's thread reports the CPU it has used, loading the module included.
    expect(pool.stats().cpuMs).toBeGreaterThan(0);
  });

  it('runs one invocation at a time per instance, and starts instances for queued invocations up to its limit', async () => {
    const pool = await start({}, 3);
    const results = await Promise.all(Array.from({ length: 12 }, () => probe(pool, { holdMs: 30 })));
    expect(results.every((r) => r.mostAtOnce === 1)).toBe(true);
    // Twelve invocations queued behind the first instance: the pool grew to its limit, and no further.
    const stats = pool.stats();
    expect(stats).toMatchObject({ instances: 3, invocations: 12, queued: 0 });
    expect(stats.waited).toBe(11);
    expect(stats.maxQueued).toBe(11);
    // Every instance counted its own invocations: together they ran all twelve.
    const perInstance = new Map<number, number>();
    for (const r of results)
      perInstance.set(r.instance, Math.max(perInstance.get(r.instance) ?? 0, r.invocations));
    expect([...perInstance.values()].reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('gives each function its own environment, which an invocation cannot change for another function', async () => {
    const a = await start({ FIXTURE_VALUE: 'a' });
    const b = await start({ FIXTURE_VALUE: 'b' });
    await probe(a, { setEnv: 'LEAKED' });
    const [fromA, fromB] = await Promise.all([probe(a), probe(b)]);
    expect(fromA).toMatchObject({ fixtureValue: 'a', leaked: 'set', invocations: 2 });
    expect(fromB).toMatchObject({ fixtureValue: 'b', leaked: null, invocations: 1 });
    expect(process.env.LEAKED).toBeUndefined();
  });

  it('fails the invocation of an instance that dies, and serves the next one with a new instance', async () => {
    const pool = await start({}, 1);
    const before = await probe(pool);
    await expect(probe(pool, { crash: true })).rejects.toThrow(/exited with code 3/);
    const after = await probe(pool);
    expect(after.instance).not.toBe(before.instance);
    expect(after.invocations).toBe(1);
  });

  it('refuses invocations once stopped', async () => {
    const pool = await start();
    await pool.stop();
    await expect(probe(pool)).rejects.toThrow(/stopped/);
  });
});

describe('what the instances write', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ai-ops-pool-logs-'));
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reaches the log in the order each instance wrote it, stdout and stderr alike, also after an invocation returned', async () => {
    const file = join(dir, 'logs.jsonl');
    const tap = tapOutput(file, () => undefined);
    try {
      const pool = await start({}, 2);
      await Promise.all([
        probe(pool, { tag: 'a', lines: 40, holdMs: 10 }),
        probe(pool, { tag: 'b', lines: 40, holdMs: 10 }),
      ]);
      await probe(pool, { tag: 'c', lines: 3, lineAfter: true });
      const lines = await until('the line written after the invocation', async () => {
        const read = (await readFile(file, 'utf8'))
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as { tag: string; i: number | 'after' });
        return read.some((l) => l.tag === 'c' && l.i === 'after') ? read : undefined;
      });
      const ofTag = (tag: string) => lines.filter((l) => l.tag === tag).map((l) => l.i);
      const count = (n: number) => Array.from({ length: n }, (_, i) => i);
      expect(ofTag('a')).toEqual(count(40));
      expect(ofTag('b')).toEqual(count(40));
      expect(ofTag('c')).toEqual([...count(3), 'after']);
    } finally {
      tap.restore();
    }
  });

  it('stops an invocation at the function timeout, as Lambda does, and serves the next on a new instance', async () => {
    const timed: ServiceDefinition = {
      ...definition,
      functions: { probe: { handler: 'test/fixtures/local-functions/probe.handler', timeout: 1 } },
    };
    const pool = await startFunction(timed, 'probe', {}, { concurrency: 1 });
    pools.push(pool);
    const before = await probe(pool);
    // The context's remaining time counts down to the deadline the pool enforces.
    expect(before.remainingMs).toBeGreaterThan(0);
    expect(before.remainingMs).toBeLessThanOrEqual(1_000);
    await expect(probe(pool, { holdMs: 5_000 })).rejects.toThrow('Task timed out after 1.00 seconds');
    const after = await probe(pool);
    expect(after.instance).not.toBe(before.instance);
    expect(after.invocations).toBe(1);
  });
});
