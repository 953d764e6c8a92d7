import { Command, Option } from 'commander';

/** The options every `ai-ops` subcommand takes. */
export interface CommonOptions {
  endpoint?: string;
  stage: string;
  region: string;
  json: boolean;
}

export const DEFAULT_LOCAL_API = 'http://localhost:3000';

/**
 * A subcommand with --endpoint, --stage, --region and --json. What --endpoint points at depends on the
 * command: the HTTP API for alerts/audit/token, DynamoDB for doctor/replay.
 */
export const subcommand = (name: string, description: string, endpointHelp: string): Command =>
  new Command(name)
    .description(description)
    .addOption(new Option('--endpoint <url>', endpointHelp))
    .addOption(
      new Option('--stage <stage>', 'deployment stage (table names carry it)')
        .default('dev')
        .env('AIOPS_STAGE'),
    )
    .addOption(new Option('--region <region>', 'AWS region').default('eu-west-1').env('AWS_REGION'))
    .addOption(new Option('--json', 'print machine-readable JSON').default(false));

/** Prints a result: JSON with --json, else the human text. */
export const output = (options: Pick<CommonOptions, 'json'>, value: unknown, human: () => string): void => {
  process.stdout.write(`${options.json ? JSON.stringify(value, null, 2) : human()}\n`);
};
