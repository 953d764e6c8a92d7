import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
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

export type WorkerRequest = { id: number; event: unknown };
export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string; stack?: string } };

const data = workerData as FunctionWorkerData;
const port = parentPort;
if (!port) throw new Error('function-worker runs only as a worker thread');

const module = (await import(pathToFileURL(data.modulePath).href)) as Record<string, unknown>;
const handler = module[data.exportName];
if (typeof handler !== 'function')
  throw new Error(`${data.modulePath} has no exported function ${data.exportName}`);

const context = () => lambdaContext(data.qualifiedName, data.memoryMb, data.timeoutSeconds);

port.on('message', (request: WorkerRequest) => {
  void (async () => {
    try {
      const result: unknown = await handler(request.event, context());
      port.postMessage({ id: request.id, ok: true, result } satisfies WorkerReply);
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      port.postMessage({
        id: request.id,
        ok: false,
        error: { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) },
      } satisfies WorkerReply);
    }
  })();
});
port.postMessage({ ready: true });
