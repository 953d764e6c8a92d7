import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type CapacityLine, mergeCapacity } from '../observability/consumed-capacity';
import { functionBundle, type PackagingOptions } from './function-bundle';
import type { CapturedOutput, FunctionWorkerData, WorkerMessage, WorkerRequest } from './function-worker';
import { projectRoot, type ServiceDefinition } from './service-definition';

/** An invocation stopped at the function's timeout, in Lambda's words. */
export class TimeoutError extends Error {
  constructor(qualifiedName: string, timeoutSeconds: number) {
    super(`${qualifiedName}: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
    this.name = 'Sandbox.Timedout';
  }
}

/** A deployed function's handler, as the local runtime calls it. */
export type LocalFunction = (event: unknown) => Promise<unknown>;

/** How a function's instances have been used since it started. */
export interface LocalFunctionStats {
  /** Instances running or starting now. */
  instances: number;
  /** Invocations waiting for an instance now. */
  queued: number;
  invocations: number;
  /** Invocations that found no idle instance and had to wait. */
  waited: number;
  /** The most invocations ever waiting at once. */
  maxQueued: number;
  /** CPU time of the function's instance threads (start-up included), as of their last reply. */
  cpuMs: number;
  /** Handler run time of every invocation so far, each rounded up to the ms as Lambda bills it. */
  billedMs: number;
  /** The DynamoDB capacity its invocations consumed, as DynamoDB reported it, by table and operation. */
  capacity: CapacityLine[];
}

/** What the invocations of a function have cost so far, summed over its instances. */
interface InvocationCosts {
  billedMs: number;
  capacity: CapacityLine[];
}

export interface LocalFunctionPool {
  invoke: LocalFunction;
  stats(): LocalFunctionStats;
  stop(): Promise<void>;
}

// `node --cpu-prof` profiles the main thread only unless each worker is asked too (bench/pipeline's
// profiling runs: docs/benchmarks.md).
const profilingFlags = process.execArgv.filter((flag) => flag.startsWith('--cpu-prof'));

/** Hands an instance's output to this process's stdout and stderr, in order (where the log tap reads it). */
const writeOutput = (output: CapturedOutput): void => {
  let i = 0;
  while (i < output.length) {
    const stream = output[i]?.stream;
    let text = '';
    for (; i < output.length && output[i]?.stream === stream; i++) text += output[i]?.text ?? '';
    (stream === 'stderr' ? process.stderr : process.stdout).write(text);
  }
};

interface Instance {
  ready: Promise<void>;
  isReady: boolean;
  busy: boolean;
  /** The thread's CPU time as of its last message, µs. */
  cpuUs: number;
  /** Runs one invocation; the pool never calls it while the instance is busy. */
  run(event: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

const startInstance = (
  script: string,
  data: FunctionWorkerData,
  env: Record<string, string>,
  onExit: (instance: Instance) => void,
  costs: InvocationCosts,
  onOutput: ((text: string) => void) | undefined,
): Instance => {
  // The instance script is plain JavaScript (bundled), whatever loader the parent runs under (tsx or
  // vitest); its source map points stack traces at the TypeScript, as NODE_OPTIONS does in Lambda.
  const worker = new Worker(script, {
    workerData: data,
    env: { ...process.env, ...env },
    execArgv: [...profilingFlags, '--enable-source-maps'],
  });
  let current:
    | { id: number; resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
    | undefined;
  let nextId = 0;
  let markReady: () => void = () => undefined;
  let failStart: (error: Error) => void = () => undefined;
  const instance: Instance = {
    ready: new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    }),
    isReady: false,
    busy: false,
    cpuUs: 0,
    run: (event) =>
      new Promise<unknown>((resolve, reject) => {
        const timeoutMs = data.timeoutSeconds * 1000;
        const id = nextId++;
        // As Lambda does at the function's timeout: the invocation fails and its instance is discarded
        // (work it left running stops with it); the pool starts another when one is needed.
        const timer = setTimeout(() => {
          if (current?.id !== id) return;
          current = undefined;
          // Never handed another invocation while it is being terminated.
          instance.isReady = false;
          reject(new TimeoutError(data.qualifiedName, data.timeoutSeconds));
          void worker.terminate();
        }, timeoutMs);
        current = { id, resolve, reject, timer };
        worker.postMessage({ id, event, deadline: Date.now() + timeoutMs } satisfies WorkerRequest);
      }),
    stop: () => worker.terminate().then(() => undefined),
  };
  worker.on('message', (message: WorkerMessage) => {
    writeOutput(message.output);
    if (onOutput) for (const chunk of message.output) onOutput(chunk.text);
    if ('cpuUs' in message) instance.cpuUs = message.cpuUs;
    if ('ready' in message) {
      instance.isReady = true;
      markReady();
      return;
    }
    if (!('id' in message) || current?.id !== message.id) return;
    costs.billedMs += Math.ceil(message.durationMs);
    if (message.capacity.length > 0) costs.capacity = mergeCapacity(costs.capacity, message.capacity);
    const waiter = current;
    current = undefined;
    clearTimeout(waiter.timer);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(Object.assign(new Error(message.error.message), message.error));
  });
  worker.on('error', (error) => failStart(error));
  worker.on('exit', (code) => {
    failStart(new Error(`${data.qualifiedName} exited with code ${code} while starting`));
    if (current) clearTimeout(current.timer);
    current?.reject(new Error(`${data.qualifiedName} exited with code ${code}`));
    current = undefined;
    onExit(instance);
  });
  return instance;
};

/**
 * serverless-esbuild's options in serverless.yml (custom.esbuild), as far as they shape the code
 * (`exclude` aside: src/local/function-bundle.ts says why the SDK is bundled locally).
 */
const packagingOf = (definition: ServiceDefinition): PackagingOptions => {
  const esbuild = (definition.custom?.esbuild ?? {}) as Record<string, unknown>;
  const strings = (value: unknown): string[] | undefined =>
    Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  const options: PackagingOptions = {};
  if (typeof esbuild.minify === 'boolean') options.minify = esbuild.minify;
  if (typeof esbuild.target === 'string') options.target = esbuild.target;
  const mainFields = strings(esbuild.mainFields);
  if (mainFields) options.mainFields = mainFields;
  const banner = esbuild.banner as { js?: unknown } | undefined;
  if (typeof banner?.js === 'string') options.banner = { js: banner.js };
  return options;
};

/**
 * Starts a function as Lambda would run it: its handler module ("handlers/ingest-metrics.handler" in
 * serverless.yml, the code esbuild bundles) in isolated instances with the function's environment.
 * An instance runs one invocation at a time. An invocation goes to an idle instance; when none is idle
 * it waits in one queue for the first instance to free up, and, as Lambda scales out, another instance
 * is started for it while fewer than `concurrency` run.
 */
export const startFunction = async (
  definition: ServiceDefinition,
  functionName: string,
  env: Record<string, string>,
  options: {
    concurrency?: number;
    root?: string;
    /** Also called with everything an instance writes (the runtime reads records' errors from it). */
    onOutput?: (text: string) => void;
  } = {},
): Promise<LocalFunctionPool> => {
  const fn = definition.functions[functionName];
  if (!fn) throw new Error(`no function ${functionName} in the service definition`);
  const dot = fn.handler.lastIndexOf('.');
  const root = resolve(options.root ?? projectRoot());
  const data: FunctionWorkerData = {
    modulePath: join(root, `${fn.handler.slice(0, dot)}.ts`),
    exportName: fn.handler.slice(dot + 1),
    qualifiedName: `${definition.service}-${definition.stage}-${functionName}`,
    memoryMb: String(fn.memorySize ?? definition.provider.memorySize ?? 1024),
    timeoutSeconds: Number(fn.timeout ?? definition.provider.timeout ?? 6),
  };
  const script = await functionBundle({
    root,
    handlerModule: data.modulePath,
    packaging: packagingOf(definition),
  });
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const instances: Instance[] = [];
  const queue: { event: unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  const stats = { invocations: 0, waited: 0, maxQueued: 0 };
  const costs: InvocationCosts = { billedMs: 0, capacity: [] };
  /** CPU of instances that have exited, µs. */
  let retiredCpuUs = 0;
  let starting = 0;
  let stopped = false;

  const remove = (instance: Instance): void => {
    const at = instances.indexOf(instance);
    if (at >= 0) {
      instances.splice(at, 1);
      retiredCpuUs += instance.cpuUs;
    }
    if (!stopped) dispatch();
  };
  const grow = (): void => {
    const instance = startInstance(script, data, env, remove, costs, options.onOutput);
    instances.push(instance);
    starting += 1;
    instance.ready.then(
      () => {
        starting -= 1;
        dispatch();
      },
      (error: unknown) => {
        starting -= 1;
        remove(instance);
        // Nothing left that could serve the queue: fail it rather than leave it waiting.
        if (instances.length === 0) for (const waiter of queue.splice(0)) waiter.reject(error);
      },
    );
  };
  const dispatch = (): void => {
    while (queue.length > 0) {
      const idle = instances.find((i) => i.isReady && !i.busy);
      const next = idle ? queue.shift() : undefined;
      if (!idle || !next) break;
      idle.busy = true;
      idle.run(next.event).then(
        (result) => {
          idle.busy = false;
          next.resolve(result);
          dispatch();
        },
        (error: unknown) => {
          idle.busy = false;
          next.reject(error);
          dispatch();
        },
      );
    }
    // One more instance per invocation left waiting that no starting instance will take.
    while (!stopped && queue.length > starting && instances.length < concurrency) grow();
  };

  grow();
  await (instances[0] as Instance).ready;
  return {
    invoke: (event) =>
      new Promise<unknown>((resolve, reject) => {
        if (stopped) return reject(new Error(`${data.qualifiedName} is stopped`));
        stats.invocations += 1;
        queue.push({ event, resolve, reject });
        dispatch();
        if (queue.length > 0) {
          stats.waited += 1;
          stats.maxQueued = Math.max(stats.maxQueued, queue.length);
        }
      }),
    stats: () => ({
      instances: instances.length,
      queued: queue.length,
      ...stats,
      cpuMs: (retiredCpuUs + instances.reduce((sum, i) => sum + i.cpuUs, 0)) / 1000,
      billedMs: costs.billedMs,
      capacity: mergeCapacity(costs.capacity),
    }),
    stop: async () => {
      stopped = true;
      await Promise.all(instances.map((i) => i.stop()));
    },
  };
};
