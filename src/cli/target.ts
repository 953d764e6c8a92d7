import { type RuntimeInfo, readRuntimeFile, runtimeFileOf } from '../local/runtime-file';
import { type CliConfig, loadConfig } from './config-file';
import { CliError } from './errors';

/** Where a setting came from; `--verbose` and `doctor` say it, so a surprising target can be traced. */
export type Source = 'flag' | 'env' | 'config' | 'runtime file' | 'default';

export interface Resolved<T> {
  value: T;
  from: Source;
}

/** The flags every command takes (see common-options.ts); unset when not given. */
export interface TargetFlags {
  api?: string;
  endpoint?: string;
  dynamodbEndpoint?: string;
  stage?: string;
  region?: string;
  data?: string;
  json?: boolean;
}

/** What a command talks to, each setting resolved in the documented order. */
export interface Target {
  api: Resolved<string>;
  /** DynamoDB (Local) endpoint; undefined: AWS's, through the usual credential chain. */
  dynamodb: Resolved<string> | undefined;
  stage: Resolved<string>;
  region: Resolved<string>;
  json: boolean;
  /** The data folder whose runtime file was read. */
  dataFolder: string;
  /** The running local runtime found in the data folder, if any. */
  runtime: RuntimeInfo | undefined;
  /** Whether the commands talk to that runtime (its API or its DynamoDB). */
  local: boolean;
  config: CliConfig;
}

export const DEFAULT_API = 'http://localhost:3000';
export const DEFAULT_STAGE = 'dev';
export const DEFAULT_REGION = 'eu-west-1';
export const DEFAULT_DATA_FOLDER = '.ai-ops';

/** The order, as `--help` and the README state it. */
export const DISCOVERY_ORDER =
  'Where each command looks, first match wins: the flag (--api/--endpoint, --dynamodb-endpoint, --stage, --region, --data), then the environment (AIOPS_ENDPOINT, AIOPS_DYNAMODB_ENDPOINT, AIOPS_STAGE, AWS_REGION, AIOPS_DATA), then the config file (.ai-opsrc.json or ai-ops.config.json in this folder or above, or AIOPS_CONFIG, over ~/.config/ai-ops/config.json), then the running local runtime (runtime.json in the data folder, .ai-ops by default; stage "local"), then the defaults (http://localhost:3000, stage dev, region eu-west-1, AWS for DynamoDB).';

/** A URL with a scheme, or a usage error that names the fix ("did you mean http://localhost:4277?"). */
export const checkUrl = (value: string, flag: string): string => {
  const trimmed = value.trim().replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(trimmed)) {
    const bare = trimmed.replace(/^[a-z]+:\/\//i, '');
    throw new CliError(
      'USAGE',
      `${flag} ${value} has no http:// or https:// scheme: did you mean http://${bare}?`,
    );
  }
  try {
    new URL(trimmed);
  } catch {
    throw new CliError('USAGE', `${flag} ${value} is not a URL`);
  }
  return trimmed;
};

const first = <T>(...candidates: (Resolved<T | undefined> | undefined)[]): Resolved<T> | undefined => {
  for (const candidate of candidates)
    if (candidate && candidate.value !== undefined && candidate.value !== '') return candidate as Resolved<T>;
  return undefined;
};

const at = <T>(value: T | undefined, from: Source): Resolved<T | undefined> => ({ value, from });

/**
 * Resolves what a command talks to. Each setting: flag, environment, config file, the running local
 * runtime's file, default. The runtime's DynamoDB and stage apply only when the command is not pointed at
 * another stage or region, so `doctor --stage prod --region eu-west-1` checks AWS, and `doctor` alone
 * checks the local runtime.
 */
export const resolveTarget = (
  flags: TargetFlags,
  env: NodeJS.ProcessEnv = process.env,
  config: CliConfig = loadConfig(process.cwd(), env),
): Target => {
  if (flags.api && flags.endpoint && flags.api !== flags.endpoint)
    throw new CliError('USAGE', '--api and --endpoint are the same option: give one');
  const dataFolder =
    first<string>(at(flags.data, 'flag'), at(env.AIOPS_DATA, 'env'), at(config.data, 'config'))?.value ??
    DEFAULT_DATA_FOLDER;
  const found = readRuntimeFile(dataFolder);
  const runtime = found?.state === 'running' ? found : undefined;

  const apiFlag = flags.api ?? flags.endpoint;
  const api = first<string>(
    at(apiFlag && checkUrl(apiFlag, flags.api ? '--api' : '--endpoint'), 'flag'),
    at(env.AIOPS_ENDPOINT && checkUrl(env.AIOPS_ENDPOINT, 'AIOPS_ENDPOINT'), 'env'),
    at(config.endpoint && checkUrl(config.endpoint, `endpoint (${config.files.at(-1)})`), 'config'),
    at(runtime?.apiUrl, 'runtime file'),
  ) ?? { value: DEFAULT_API, from: 'default' as const };

  const givenStage = first<string>(
    at(flags.stage, 'flag'),
    at(env.AIOPS_STAGE, 'env'),
    at(config.stage, 'config'),
  );
  const givenRegion = first<string>(
    at(flags.region, 'flag'),
    at(env.AWS_REGION, 'env'),
    at(config.region, 'config'),
  );
  const explicitDynamodb = first<string>(
    at(flags.dynamodbEndpoint && checkUrl(flags.dynamodbEndpoint, '--dynamodb-endpoint'), 'flag'),
    at(
      env.AIOPS_DYNAMODB_ENDPOINT && checkUrl(env.AIOPS_DYNAMODB_ENDPOINT, 'AIOPS_DYNAMODB_ENDPOINT'),
      'env',
    ),
    at(config.dynamodbEndpoint && checkUrl(config.dynamodbEndpoint, 'dynamodbEndpoint'), 'config'),
  );
  // Pointed elsewhere (another API, another stage, a region on the command line): not the local runtime.
  const pointedElsewhere =
    (api.from !== 'runtime file' && api.from !== 'default' && api.value !== runtime?.apiUrl) ||
    (givenStage !== undefined && givenStage.value !== runtime?.stage) ||
    flags.region !== undefined;
  const dynamodb =
    explicitDynamodb ??
    (runtime?.dynamodbEndpoint && !pointedElsewhere
      ? { value: runtime.dynamodbEndpoint, from: 'runtime file' as const }
      : undefined);

  const local =
    runtime !== undefined &&
    (api.value === runtime.apiUrl || (dynamodb !== undefined && dynamodb.value === runtime.dynamodbEndpoint));
  const stage = givenStage ??
    (local && runtime ? { value: runtime.stage, from: 'runtime file' as const } : undefined) ?? {
      value: DEFAULT_STAGE,
      from: 'default' as const,
    };
  const region = givenRegion ?? { value: DEFAULT_REGION, from: 'default' as const };
  return {
    api,
    dynamodb,
    stage,
    region,
    json: flags.json === true || config.output === 'json',
    dataFolder,
    runtime,
    local,
    config,
  };
};

/** How a URL was found, for a message about it: undefined for a flag (the user knows), else where. */
export const foundByOf = (
  setting: Resolved<string>,
  target: Pick<Target, 'config' | 'dataFolder'>,
): string | undefined => {
  switch (setting.from) {
    case 'flag':
      return undefined;
    case 'env':
      return 'from the environment';
    case 'config':
      return `from ${target.config.files.at(-1) ?? 'the config file'}`;
    case 'runtime file':
      return `from ${runtimeFileOf(target.dataFolder)}`;
    case 'default':
      return 'the default: no --api, AIOPS_ENDPOINT, config or running local runtime found';
  }
};

/** Where the runtime file of a data folder is, for messages. */
export const runtimeFileHint = (dataFolder: string): string => runtimeFileOf(dataFolder);
