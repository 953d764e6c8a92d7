import type { Command } from 'commander';
import { Option } from 'commander';
import { ApiClient, currentUser, isLocalEndpoint, reportFailures, tokenOption } from '../api-client';
import { type CommonOptions, optionsOf, subcommand, targetOf } from '../common-options';
import { CliError } from '../errors';

interface ConsoleOptions extends CommonOptions {
  port: string;
  token?: string;
}

/**
 * `ai-ops console`: the operator console for any deployment, on this machine. The page is served on
 * loopback and its API calls are proxied to the endpoint with the operator's token, so nothing new is
 * exposed on the stage and the token never reaches the browser's storage.
 */
export const consoleCommand = (): Command =>
  subcommand('console', 'serve the operator console on localhost for a deployed stage or the local runtime')
    .addOption(new Option('--port <port>', 'local port (0: any free port)').default('0'))
    .addOption(tokenOption())
    .action(
      reportFailures(async (_options: ConsoleOptions, command: Command) => {
        const options = optionsOf<ConsoleOptions>(command);
        const port = Number(options.port);
        if (!Number.isInteger(port) || port < 0 || port > 65_535)
          throw new CliError('USAGE', `--port must be a port number, got ${options.port}`);
        const endpoint = targetOf(command).api.value;
        const local = isLocalEndpoint(endpoint);
        const renewToken = async () =>
          (await new ApiClient(endpoint).requestToken(currentUser())).access_token;
        if (!options.token && !local)
          throw new CliError('UNAUTHORIZED', `no token for ${endpoint}: pass --token or set AIOPS_TOKEN`);
        const token = options.token ?? (await renewToken());
        const { startConsoleProxy } = await import('../../local/console/proxy');
        const proxy = await startConsoleProxy({
          endpoint,
          token,
          port,
          ...(local && !options.token ? { renewToken } : {}),
        });
        process.stdout.write(`ai-ops console: ${proxy.url}/console  (API ${endpoint}; Ctrl-C stops it)\n`);
        await new Promise<void>((resolve) => {
          const stop = () => void proxy.close().then(resolve);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      }),
    );
