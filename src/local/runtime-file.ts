import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/**
 * The file a running local runtime keeps in its data folder: where its HTTP API and DynamoDB Local
 * listen, its stage and folder. It is also the folder's lock: created exclusively before Java starts,
 * removed on stop. The `ai-ops` command reads it to find the runtime without flags.
 */
export const RUNTIME_FILE = 'runtime.json';

export interface RuntimeInfo {
  /** The process that runs the runtime; the file of a process that is gone is stale. */
  pid: number;
  /** 'starting' while DynamoDB Local and the functions come up; the URLs are set once 'running'. */
  state: 'starting' | 'running';
  dataFolder: string;
  stage: string;
  /** The port asked for (0: any free port). */
  port: number;
  apiUrl?: string;
  dynamodbEndpoint?: string;
  startedAt: string;
}

export const runtimeFileOf = (dataFolder: string): string => join(resolve(dataFolder), RUNTIME_FILE);

/** Whether a process with this id exists (EPERM: it does, under another user). */
const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const parse = (text: string): RuntimeInfo | undefined => {
  try {
    const info = JSON.parse(text) as Partial<RuntimeInfo>;
    return typeof info.pid === 'number' && typeof info.dataFolder === 'string'
      ? (info as RuntimeInfo)
      : undefined;
  } catch {
    return undefined;
  }
};

/** The runtime that holds this folder, if its process is alive; a crashed runtime's file reads as none. */
export const readRuntimeFile = (dataFolder: string): RuntimeInfo | undefined => {
  let text: string;
  try {
    text = readFileSync(runtimeFileOf(dataFolder), 'utf8');
  } catch {
    return undefined;
  }
  const info = parse(text);
  return info && processAlive(info.pid) ? info : undefined;
};

/** Another runtime (alive) holds the data folder. */
export class DataFolderInUseError extends Error {
  constructor(
    readonly dataFolder: string,
    readonly holder: RuntimeInfo,
  ) {
    const where = holder.apiUrl ? `, API ${holder.apiUrl}` : ` (${holder.state})`;
    super(
      `the data folder ${dataFolder} is in use by another ai-ops runtime (pid ${holder.pid}${where}, since ${holder.startedAt}): stop that one first (Ctrl-C in its terminal) or pass another --data folder`,
    );
    this.name = 'DataFolderInUseError';
  }
}

/** Something already listens on the HTTP API's port. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    holder: RuntimeInfo | undefined,
  ) {
    const who = holder
      ? `another ai-ops runtime (pid ${holder.pid}, data ${holder.dataFolder})`
      : 'another program';
    super(
      `port ${port} is in use by ${who}: stop it, or pass another --port (--port 0 takes any free port; the CLI finds the runtime through ${RUNTIME_FILE})`,
    );
    this.name = 'PortInUseError';
  }
}

/**
 * Fails with PortInUseError if `port` cannot be bound on `host`, before anything slow (Java) starts.
 * Check-then-bind leaves a moment in which another program could take the port; the API's own bind still
 * fails cleanly then, this only spares the common case a 10-second wait for a bare EADDRINUSE.
 */
export const assertPortFree = async (
  port: number,
  host = '127.0.0.1',
  holder?: RuntimeInfo,
): Promise<void> => {
  if (port === 0) return;
  await new Promise<void>((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, holder) : error),
    );
    server.listen(port, host, () => server.close(() => resolvePromise()));
  });
};

export interface DataFolderClaim {
  /** Records where the runtime listens, once it does. */
  publish(urls: { apiUrl: string; dynamodbEndpoint: string }): Promise<void>;
  /** Removes the file (on stop); a no-op once done. */
  release(): void;
}

/**
 * Takes the folder for this process: creates the runtime file exclusively (O_EXCL), so two starts cannot
 * both win. A file left by a process that no longer exists (a crash, kill -9) is taken over: a pid check
 * rather than a lock library's lease, because a runtime can run for days and the question is only
 * "is that process still there", which the OS answers exactly.
 */
export const claimDataFolder = async (
  dataFolder: string,
  details: { stage: string; port: number },
): Promise<DataFolderClaim> => {
  const folder = resolve(dataFolder);
  const file = runtimeFileOf(folder);
  await mkdir(folder, { recursive: true });
  const info: RuntimeInfo = {
    pid: process.pid,
    state: 'starting',
    dataFolder: folder,
    stage: details.stage,
    port: details.port,
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, `${JSON.stringify(info, null, 2)}\n`);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readRuntimeFile(folder);
      if (holder) throw new DataFolderInUseError(folder, holder);
      if (attempt > 0) throw new Error(`cannot take ${file}: another start keeps replacing it`);
      // Stale: its process is gone. Remove it and try once more; a start racing us still meets O_EXCL.
      rmSync(file, { force: true });
    }
  }
  let released = false;
  return {
    publish: async (urls) => {
      const next = { ...info, state: 'running' as const, ...urls };
      // Written aside and renamed, so a reader never sees half a file.
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, `${JSON.stringify(next, null, 2)}\n`);
      await rename(temp, file);
    },
    release: () => {
      if (released) return;
      released = true;
      const current = (() => {
        try {
          return parse(readFileSync(file, 'utf8'));
        } catch {
          return undefined;
        }
      })();
      // Only our own file: never remove the file of a runtime that took over a folder we left.
      if (current?.pid === process.pid) rmSync(file, { force: true });
    },
  };
};
