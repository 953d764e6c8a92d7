import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalRuntime } from '../../../src/local/runtime';

export interface E2eRuntime {
  runtime: LocalRuntime;
  /** Where the runtime writes its files (notifications, dead letters); removed by stop(). */
  scratch: string;
  stop(): Promise<void>;
}

export interface E2eRuntimeOptions {
  /** The stage whose definition (and so table and function names) the runtime uses. */
  stage?: string;
  /** The handlers' log level; their loggers are built when the runtime loads them. */
  logLevel?: string;
}

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * One whole local runtime for a test file: its own DynamoDB Local (in memory), stream pollers polling
 * every 50 ms, the HTTP API on a free loopback port, no simulator. LOG_LEVEL is set before the runtime is
 * imported, since the function workers take the environment of this process.
 */
export const startE2eRuntime = async (options: E2eRuntimeOptions = {}): Promise<E2eRuntime> => {
  process.env.LOG_LEVEL = options.logLevel ?? 'SILENT';
  const { startLocalRuntime } = await import('../../../src/local/runtime');
  const scratch = mkdtempSync(join(tmpdir(), 'ai-ops-e2e-'));
  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime({
      port: 0,
      scratchDir: scratch,
      stage: options.stage ?? 'e2e',
      pollIntervalMs: 50,
      logger: silent,
    });
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
  return {
    runtime,
    scratch,
    stop: async () => {
      await runtime.stop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
};

/** Polls `probe` until it returns a value, failing after `timeoutMs` with what was awaited. */
export const until = async <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
