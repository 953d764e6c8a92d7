import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FunctionWorkerData, WorkerReply } from './function-worker';
import { projectRoot, type ServiceDefinition } from './service-definition';

/** A deployed function's handler, as the local runtime calls it. */
export type LocalFunction = (event: unknown) => Promise<unknown>;

export interface LocalFunctionPool {
  invoke: LocalFunction;
  stop(): Promise<void>;
}

const WORKER = new URL('./function-worker.ts', import.meta.url);

const startWorker = (data: FunctionWorkerData, env: Record<string, string>) => {
  // Workers load TypeScript through tsx, whatever loader the parent process runs under (tsx or vitest).
  const worker = new Worker(WORKER, {
    workerData: data,
    env: { ...process.env, ...env },
    execArgv: ['--import', 'tsx'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let inFlight = 0;
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: WorkerReply | { ready: true }) => {
      if ('ready' in message) return resolve();
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      inFlight -= 1;
      if (!waiter) return;
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(Object.assign(new Error(message.error.message), message.error));
    });
  });
  worker.on('exit', (code) => {
    for (const waiter of pending.values())
      waiter.reject(new Error(`${data.qualifiedName} exited with code ${code}`));
    pending.clear();
  });
  const send = (event: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, event });
    });
  // One invocation at a time per instance, as in Lambda; others wait their turn.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    ready,
    load: () => inFlight,
    invoke: (event: unknown) => {
      inFlight += 1;
      const run = queue.catch(() => undefined).then(() => send(event));
      queue = run;
      return run;
    },
    stop: () => worker.terminate().then(() => undefined),
  };
};

/**
 * Starts a function as Lambda would run it: its handler module ("handlers/ingest-metrics.handler" in
 * serverless.yml, the code esbuild bundles) in isolated instances with the function's environment.
 * An invocation goes to an idle instance, a new one while fewer than `concurrency` run, else waits for
 * the least busy one: an instance never runs two invocations at once.
 */
export const startFunction = async (
  definition: ServiceDefinition,
  functionName: string,
  env: Record<string, string>,
  options: { concurrency?: number; root?: string } = {},
): Promise<LocalFunctionPool> => {
  const fn = definition.functions[functionName];
  if (!fn) throw new Error(`no function ${functionName} in the service definition`);
  const dot = fn.handler.lastIndexOf('.');
  const data: FunctionWorkerData = {
    modulePath: join(options.root ?? projectRoot(), `${fn.handler.slice(0, dot)}.ts`),
    exportName: fn.handler.slice(dot + 1),
    qualifiedName: `${definition.service}-${definition.stage}-${functionName}`,
    memoryMb: String(fn.memorySize ?? definition.provider.memorySize ?? 1024),
    timeoutSeconds: Number(fn.timeout ?? definition.provider.timeout ?? 6),
  };
  const concurrency = options.concurrency ?? 2;
  const instances: ReturnType<typeof startWorker>[] = [];
  const first = startWorker(data, env);
  instances.push(first);
  await first.ready;
  return {
    invoke: async (event) => {
      let instance = instances.find((i) => i.load() === 0);
      if (!instance && instances.length < concurrency) {
        instance = startWorker(data, env);
        instances.push(instance);
      }
      instance ??= instances.reduce((a, b) => (b.load() < a.load() ? b : a));
      await instance.ready;
      return instance.invoke(event);
    },
    stop: async () => {
      await Promise.all(instances.map((i) => i.stop()));
    },
  };
};
