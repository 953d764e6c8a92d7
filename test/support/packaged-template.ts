import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';

export interface Template {
  Resources: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; [k: string]: unknown }
  >;
  Outputs?: Record<string, unknown>;
}

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../..');

/**
 * `serverless package` for a stage into a temporary folder, offline, with no AWS credentials, and the
 * CloudFormation template it wrote. Shared by the template tests; packaging once per file is the cost.
 * `params` are passed as --param=key=value (prod refuses to package without a real issuer and an email).
 */
export const packageStack = async (stage: string, params: Record<string, string> = {}): Promise<Template> => {
  // The sources do not change during a run, so a stage's template is packaged once per run, not per file.
  const cached = join(
    inject('templateCacheDir'),
    `${stage}-${JSON.stringify(params).replace(/[^\w-]+/g, '_')}.json`,
  );
  const hit = await readFile(cached, 'utf8').catch(() => undefined);
  if (hit) return JSON.parse(hit) as Template;
  const template = await packageStackUncached(stage, params);
  // Written whole, then renamed: a file running beside this one reads a complete template or none.
  await writeFile(`${cached}.${process.pid}`, JSON.stringify(template));
  await rename(`${cached}.${process.pid}`, cached);
  return template;
};

const packageStackUncached = async (stage: string, params: Record<string, string>): Promise<Template> => {
  // Packaged from a copy: serverless-esbuild builds into the service folder's .esbuild/, so two packages at
  // once (test files run in parallel) would overwrite each other's bundles.
  const work = await mkdtemp(join(tmpdir(), 'ai-ops-service-'));
  const dir = join(work, '.package');
  try {
    for (const entry of ['serverless.yml', 'package.json', 'tsconfig.json', 'infra', 'handlers', 'src'])
      await cp(join(REPO, entry), join(work, entry), { recursive: true });
    await symlink(join(REPO, 'node_modules'), join(work, 'node_modules'), 'dir');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
    };
    for (const key of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'])
      delete env[key];
    const paramArgs = Object.entries(params).map(([key, value]) => `--param=${key}=${value}`);
    await run(
      join(REPO, 'node_modules', '.bin', 'serverless'),
      ['package', '--stage', stage, '--package', dir, ...paramArgs],
      { cwd: work, env, maxBuffer: 16 * 1024 * 1024 },
    );
    return JSON.parse(
      await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as Template;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
};

/** What a real prod deployment passes: the guard in infra/param-guard.cjs refuses the placeholders. */
export const PROD_PARAMS = {
  jwtIssuerUrl: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
  alarmEmail: 'ops@ai-ops.dev',
};

/** The `serverless package` failure message (stdout and stderr), or undefined when it packaged. */
export const packageFailure = async (stage: string, params: Record<string, string> = {}) => {
  try {
    await packageStack(stage, params);
    return undefined;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return `${stdout}${stderr}`;
  }
};
