import { homedir } from 'node:os';
import { join } from 'node:path';
import { lilconfigSync } from 'lilconfig';
import { z } from 'zod';
import { CliError } from './errors';

/** What a config file may set: the defaults a user or a project wants for every command. */
const configSchema = z.strictObject({
  endpoint: z.string().optional(),
  dynamodbEndpoint: z.string().optional(),
  stage: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
  output: z.enum(['text', 'json']).optional(),
  data: z.string().min(1).optional(),
});

export type CliConfig = z.infer<typeof configSchema> & {
  /** The files it came from, project last (it wins). */
  files: string[];
};

/** The names a project's config may have, searched from the working folder up to the home folder. */
export const PROJECT_CONFIG_FILES = ['.ai-opsrc.json', '.ai-opsrc', 'ai-ops.config.json', 'package.json'];

/** The per-user config: $XDG_CONFIG_HOME/ai-ops/config.json, else ~/.config/ai-ops/config.json. */
export const userConfigFile = (env: NodeJS.ProcessEnv = process.env): string =>
  join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'ai-ops', 'config.json');

const jsonOnly = {
  // JSON and package.json only: a JavaScript config would need an import on every start (speed), and a
  // config that sets endpoints needs no code.
  '.json': (_path: string, content: string) => JSON.parse(content) as unknown,
  noExt: (_path: string, content: string) => JSON.parse(content) as unknown,
};

const parseAt = (file: string, raw: unknown): z.infer<typeof configSchema> => {
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new CliError(
    'USAGE',
    `${file}: ${issue?.path.join('.') || '(file)'}: ${issue?.message ?? 'invalid'} (allowed: ${Object.keys(configSchema.shape).join(', ')})`,
  );
};

/**
 * The user's config, then the project's over it (lilconfig: the nearest .ai-opsrc.json, ai-ops.config.json
 * or package.json "ai-ops" key). AIOPS_CONFIG names one file instead of the project search.
 */
export const loadConfig = (cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): CliConfig => {
  const explorer = lilconfigSync('ai-ops', {
    searchPlaces: PROJECT_CONFIG_FILES,
    loaders: jsonOnly,
    stopDir: homedir(),
    cache: false,
  });
  const found: { file: string; config: unknown }[] = [];
  const tryLoad = (file: string, optional: boolean) => {
    try {
      const result = explorer.load(file);
      if (result && !result.isEmpty) found.push({ file: result.filepath, config: result.config });
    } catch (error) {
      if (optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new CliError('USAGE', `cannot read the config file ${file}: ${(error as Error).message}`);
    }
  };
  tryLoad(userConfigFile(env), true);
  if (env.AIOPS_CONFIG) tryLoad(env.AIOPS_CONFIG, false);
  else {
    let project: ReturnType<typeof explorer.search>;
    try {
      project = explorer.search(cwd);
    } catch (error) {
      throw new CliError('USAGE', `cannot read a config file: ${(error as Error).message}`);
    }
    if (project && !project.isEmpty && !found.some((f) => f.file === project.filepath))
      found.push({ file: project.filepath, config: project.config });
  }
  const merged: CliConfig = { files: [] };
  for (const { file, config } of found) {
    Object.assign(merged, parseAt(file, config));
    merged.files.push(file);
  }
  return merged;
};
