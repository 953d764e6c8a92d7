/**
 * CPU time of the processes under test: this Node.js process (the local runtime: HTTP API, stream
 * pollers, every function's worker threads) and the DynamoDB Local JVM behind it (from /proc). On a
 * machine shared with other work, wall-clock rates move with the neighbours' load; CPU time per metric
 * moves much less, so both are reported.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Pids whose command line matches `pattern` (pgrep -f); none when pgrep finds nothing. */
export const pgrep = async (pattern: string): Promise<number[]> => {
  try {
    const { stdout } = await run('pgrep', ['-f', pattern]);
    return stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(Number);
  } catch {
    // pgrep exits 1 when nothing matches.
    return [];
  }
};

/** The DynamoDB Local JVM (not its watchdog) listening on `port`. */
export const dynamoDbLocalJava = async (port: string): Promise<number | undefined> =>
  (await pgrep(`^java .*DynamoDBLocal\\.jar.* -port ${port}( |$)`))[0];

/** DynamoDB Local processes for `port`, its watchdog included. */
export const dynamoDbLocalProcesses = (port: string): Promise<number[]> =>
  pgrep(`DynamoDBLocal\\.jar.* -port ${port}( |$)`);

let ticksPerSecond: Promise<number> | undefined;
const clockTicks = (): Promise<number> => {
  ticksPerSecond ??= run('getconf', ['CLK_TCK']).then(
    ({ stdout }) => Number(stdout.trim()) || 100,
    () => 100,
  );
  return ticksPerSecond;
};

/** utime + stime of a process in ms, or NaN when it cannot be read (gone, or no /proc). */
export const processCpuMs = async (pid: number | undefined): Promise<number> => {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) / (await clockTicks())) * 1000;
  } catch {
    return Number.NaN;
  }
};

export interface CpuSnapshot {
  at: number;
  nodeMs: number;
  javaMs: number;
}

export const cpuSnapshot = async (javaPid: number | undefined): Promise<CpuSnapshot> => {
  const usage = process.cpuUsage();
  return {
    at: performance.timeOrigin + performance.now(),
    nodeMs: (usage.user + usage.system) / 1000,
    javaMs: await processCpuMs(javaPid),
  };
};

export interface CpuFigures {
  wallMs: number;
  /** The runtime's Node.js process: API, pollers, functions. */
  nodeMs: number;
  /** DynamoDB Local. */
  javaMs: number;
  /** The load driver (client side; not part of the pipeline's cost). */
  driverMs: number;
  /** Pipeline CPU (Node.js + Java) per metric accepted, ms. */
  msPerMetric: number;
  /** Pipeline CPU over wall time, in cores (2 = two cores busy the whole time). */
  cores: number;
}

export const cpuFigures = (
  before: CpuSnapshot,
  after: CpuSnapshot,
  driverMs: number,
  metrics: number,
): CpuFigures => {
  const wallMs = after.at - before.at;
  const nodeMs = after.nodeMs - before.nodeMs;
  const javaMs = after.javaMs - before.javaMs;
  return {
    wallMs,
    nodeMs,
    javaMs,
    driverMs,
    msPerMetric: metrics > 0 ? (nodeMs + javaMs) / metrics : Number.NaN,
    cores: wallMs > 0 ? (nodeMs + javaMs) / wallMs : Number.NaN,
  };
};
