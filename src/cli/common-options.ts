import { Command, Option } from 'commander';
import { DISCOVERY_ORDER, resolveTarget, type Target, type TargetFlags } from './target';

/** The options every `ai-ops` subcommand takes, with one meaning each. */
export interface CommonOptions extends TargetFlags {
  json: boolean;
  verbose: boolean;
  color: boolean;
}

/**
 * A subcommand with the common options: --api (alias --endpoint) is always the HTTP API,
 * --dynamodb-endpoint always DynamoDB, --data always the local runtime's data folder. A new command built
 * here gets them, the discovery order in its help, and the same error reporting.
 */
export const subcommand = (name: string, description: string): Command =>
  withCommonOptions(new Command(name).description(description));

export const withCommonOptions = (command: Command): Command =>
  command
    .addOption(new Option('--api <url>', 'the HTTP API: the local runtime, or a deployed stage'))
    .addOption(new Option('--endpoint <url>', 'same as --api'))
    .addOption(
      new Option(
        '--dynamodb-endpoint <url>',
        'DynamoDB endpoint, e.g. DynamoDB Local (http://127.0.0.1:PORT); AWS when none is found',
      ),
    )
    .addOption(new Option('--stage <stage>', 'deployment stage (table names carry it); local runtime: local'))
    .addOption(new Option('--region <region>', 'AWS region (default eu-west-1)'))
    .addOption(new Option('--data <dir>', "the local runtime's data folder (default .ai-ops)"))
    .addOption(new Option('--json', 'print machine-readable JSON, errors included').default(false))
    .addOption(new Option('--verbose', 'say more: where settings came from, full errors').default(false))
    .addOption(new Option('--no-color', 'no colour (also: NO_COLOR=1, or when piped)'))
    .addHelpText('after', `\n${DISCOVERY_ORDER}`);

/** The command's options, its parents' included (`alerts list` sees the options given to `alerts`). */
export const optionsOf = <T extends CommonOptions>(command: Command): T => command.optsWithGlobals<T>();

/** What the command talks to, resolved from its options, the environment, config and runtime file. */
export const targetOf = (command: Command): Target => resolveTarget(optionsOf(command));

/** Prints a result: JSON with --json, else the human text. */
export const output = (options: { json: boolean }, value: unknown, human: () => string): void => {
  process.stdout.write(`${options.json ? JSON.stringify(value, null, 2) : human()}\n`);
};
