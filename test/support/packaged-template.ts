import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface Template {
  Resources: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; [k: string]: unknown }
  >;
  Outputs?: Record<string, unknown>;
}

const run = promisify(execFile);

/**
 * `serverless package` for a stage into a temporary folder, offline, with no AWS credentials, and the
 * CloudFormation template it wrote. Shared by the template tests; packaging once per file is the cost.
 */
export const packageStack = async (stage: string): Promise<Template> => {
  const dir = await mkdtemp(join(tmpdir(), 'ai-ops-package-'));
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
    };
    for (const key of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'])
      delete env[key];
    await run(join('node_modules', '.bin', 'serverless'), ['package', '--stage', stage, '--package', dir], {
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(
      await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as Template;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
