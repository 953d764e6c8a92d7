import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The deployed stack's own description, as the Serverless Framework resolves it (`serverless print`):
 * the local runtime, the tests and `ai-ops doctor` read tables, streams and event settings from here,
 * so serverless.yml and infra/ stay the only definition of the infrastructure.
 */
export interface ServiceDefinition {
  service: string;
  stage: string;
  provider: { environment?: Record<string, unknown>; [key: string]: unknown };
  functions: Record<string, FunctionDefinition>;
  resources: { Resources: Record<string, CfnResource>; Conditions?: Record<string, unknown> };
  custom?: Record<string, unknown>;
}

export interface FunctionDefinition {
  handler: string;
  environment?: Record<string, unknown>;
  events?: Record<string, unknown>[];
  timeout?: number;
  [key: string]: unknown;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  [key: string]: unknown;
}

const execFileAsync = promisify(execFile);

export const projectRoot = (): string => process.cwd();

/** Hash of the files the definition is made of, so a cached print is reused only while they are unchanged. */
const definitionHash = async (root: string, stage: string): Promise<string> => {
  const hash = createHash('sha256').update(stage);
  const infraFiles = (await readdir(join(root, 'infra'))).sort();
  for (const file of ['serverless.yml', ...infraFiles.map((f) => join('infra', f))]) {
    hash.update(file).update(await readFile(join(root, file)));
  }
  return hash.digest('hex').slice(0, 16);
};

/** Resolves serverless.yml for a stage with the framework itself (offline, no credentials needed). */
export const loadServiceDefinition = async (
  stage: string,
  options: { root?: string; cacheDir?: string } = {},
): Promise<ServiceDefinition> => {
  const root = options.root ?? projectRoot();
  const cacheDir = options.cacheDir ?? join(root, 'node_modules', '.cache', 'ai-ops');
  const cacheFile = join(cacheDir, `definition-${stage}-${await definitionHash(root, stage)}.json`);
  try {
    return JSON.parse(await readFile(cacheFile, 'utf8')) as ServiceDefinition;
  } catch {
    // not cached yet: print it below
  }
  const { stdout } = await execFileAsync(
    join(root, 'node_modules', '.bin', 'serverless'),
    ['print', '--stage', stage, '--format', 'json'],
    {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...process.env,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        // `print` resolves no AWS variables, but the framework insists on a region and credentials shape.
        AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
        AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
      },
    },
  );
  const printed = JSON.parse(stdout) as Omit<ServiceDefinition, 'stage'>;
  const definition: ServiceDefinition = { ...printed, stage };
  await mkdir(cacheDir, { recursive: true });
  await writeFile(cacheFile, JSON.stringify(definition));
  return definition;
};

export interface TableResource {
  logicalId: string;
  properties: Record<string, unknown>;
}

export const tableResources = (definition: ServiceDefinition): TableResource[] =>
  Object.entries(definition.resources.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
    .map(([logicalId, resource]) => ({ logicalId, properties: resource.Properties ?? {} }));

/** The physical name of a table resource (TableName is fully resolved by the framework). */
export const tableNameOf = (definition: ServiceDefinition, logicalId: string): string => {
  const table = tableResources(definition).find((t) => t.logicalId === logicalId);
  const name = table?.properties.TableName;
  if (typeof name !== 'string')
    throw new Error(`no table ${logicalId} with a TableName in the service definition`);
  return name;
};
