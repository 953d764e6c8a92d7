import { parentPort, workerData } from 'node:worker_threads';
import { type CapacityLine, processCapacity } from '../observability/consumed-capacity';
import { lambdaContext } from './lambda-context';

/**
 * One local "Lambda instance": a worker thread that loads one function's handler module with that
 * function's own environment, so its module singletons (configuration, logger, clients) are its own,
 * as in Lambda where every function runs in a process of its own.
 */
export interface FunctionWorkerData {
  modulePath: string;
  exportName: string;
  /** ai-ops-<stage>-<function> */
  qualifiedName: string;
  memoryMb: string;
  timeoutSeconds: number;
}

/** What the instance wrote, in the order it wrote it. */
export type CapturedOutput = { stream: 'stdout' | 'stderr'; text: string }[];

/** `deadline`: epoch ms at which the pool stops this invocation (the function's timeout). */
export type WorkerRequest = { id: number; event: unknown; deadline: number };
/**
 * `cpuUs`: the instance thread's CPU time so far (user + system, µs), for the runtime's accounting.
 * `durationMs`: how long the handler ran, what Lambda bills; `capacity`: the DynamoDB capacity the
 * invocation consumed (as DynamoDB reported it), by table and operation.
 */
interface InvocationCost {
  cpuUs: number;
  durationMs: number;
  capacity: CapacityLine[];
}
export type WorkerReply =
  | ({ id: number; ok: true; result: unknown; output: CapturedOutput } & InvocationCost)
  | ({
      id: number;
      ok: false;
      error: { name: string; message: string; stack?: string };
      output: CapturedOutput;
    } & InvocationCost);
/** Output written between invocations (module load, work a handler left running). */
export type WorkerOutput = { output: CapturedOutput };
export type WorkerMessage =
  | WorkerReply
  | WorkerOutput
  | { ready: true; output: CapturedOutput; cpuUs: number };

const threadCpuUs = (): number => {
  const { user, system } = process.threadCpuUsage();
  return user + system;
};

/**
 * Runs this worker thread as the instance: captures what it writes, loads the handler module with
 * `load` (so that what the module writes at init is captured too), then serves invocations. The
 * instance script (src/local/function-bundle.ts) calls it with the handler bundled in.
 */
export const serveFunction = async (load: () => Promise<Record<string, unknown>>): Promise<void> => {
  const data = workerData as FunctionWorkerData;
  const port = parentPort;
  if (!port) throw new Error('function-worker runs only as a worker thread');

  // A worker's stdout and stderr reach the main thread as a message per write, and a handler writes two
  // or three lines per invocation (log lines, its EMF metrics line). The instance collects them instead
  // and hands them over with the invocation's reply, in the order written: one message per invocation.
  let output: CapturedOutput = [];
  let flushScheduled = false;
  const takeOutput = (): CapturedOutput => {
    const taken = output;
    output = [];
    return taken;
  };
  const flushOutput = (): void => {
    flushScheduled = false;
    if (output.length > 0) port.postMessage({ output: takeOutput() } satisfies WorkerOutput);
  };
  const capture = (stream: NodeJS.WriteStream, name: 'stdout' | 'stderr'): void => {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      output.push({
        stream: name,
        text: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'),
      });
      // Written outside an invocation, it would otherwise wait for the next one.
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flushOutput);
      }
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  };
  capture(process.stdout, 'stdout');
  capture(process.stderr, 'stderr');

  let module: Record<string, unknown>;
  try {
    module = await load();
  } catch (error) {
    // What the module wrote before it failed (its init error log) is worth more than ever now.
    flushOutput();
    throw error;
  }
  const handler = module[data.exportName];
  if (typeof handler !== 'function')
    throw new Error(`${data.modulePath} has no exported function ${data.exportName}`);

  const context = (deadline: number) =>
    lambdaContext(data.qualifiedName, data.memoryMb, data.timeoutSeconds, deadline);

  port.on('message', (request: WorkerRequest) => {
    void (async () => {
      const started = performance.now();
      const cost = () => ({
        cpuUs: threadCpuUs(),
        durationMs: performance.now() - started,
        // What module load consumed (none today) lands on the first invocation, as Lambda bills init there.
        capacity: processCapacity.take(),
      });
      try {
        const result: unknown = await handler(request.event, context(request.deadline));
        port.postMessage({
          id: request.id,
          ok: true,
          result,
          output: takeOutput(),
          ...cost(),
        } satisfies WorkerReply);
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        port.postMessage({
          id: request.id,
          ok: false,
          error: { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) },
          output: takeOutput(),
          ...cost(),
        } satisfies WorkerReply);
      }
    })();
  });
  port.postMessage({ ready: true, output: takeOutput(), cpuUs: threadCpuUs() });
};
