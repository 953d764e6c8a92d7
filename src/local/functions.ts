import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { projectRoot, type ServiceDefinition } from './service-definition';

/** A deployed function's handler, as the local runtime calls it. */
export type LocalFunction = (event: unknown) => Promise<unknown>;

/** The Lambda context a handler sees (Powertools reads function name, request id and memory from it). */
const lambdaContext = (
  definition: ServiceDefinition,
  functionName: string,
  timeoutSeconds: number,
): Context => {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const name = `${definition.service}-${definition.stage}-${functionName}`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: String(definition.provider.memorySize ?? 1024),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/**
 * Loads a function's handler module ("handlers/ingest-metrics.handler" in serverless.yml) from the
 * project, the same code esbuild bundles for Lambda. The caller sets the environment first: handlers
 * read their configuration once, when the module loads.
 */
export const loadFunction = async (
  definition: ServiceDefinition,
  functionName: string,
  root = projectRoot(),
): Promise<LocalFunction> => {
  const fn = definition.functions[functionName];
  if (!fn) throw new Error(`no function ${functionName} in the service definition`);
  const dot = fn.handler.lastIndexOf('.');
  const modulePath = join(root, `${fn.handler.slice(0, dot)}.ts`);
  const exportName = fn.handler.slice(dot + 1);
  const module = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  const handler = module[exportName];
  if (typeof handler !== 'function') throw new Error(`${modulePath} has no exported function ${exportName}`);
  const timeout = Number(fn.timeout ?? definition.provider.timeout ?? 6);
  return (event) => Promise.resolve(handler(event, lambdaContext(definition, functionName, timeout)));
};
