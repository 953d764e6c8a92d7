import { type Command, Option } from 'commander';
import { ApiClient, isLocalEndpoint, LOCAL_DEFAULT_SCOPES, reportFailures } from '../api-client';
import { type CommonOptions, subcommand, targetOf } from '../common-options';
import { CliError } from '../errors';
import { foundByOf } from '../target';

interface TokenOptions extends CommonOptions {
  sub: string;
  scope?: string[];
}

/**
 * `ai-ops token --sub NAME [--scope S ...]`: an access token from the local runtime's issuer. stdout is
 * the token alone, so `TOKEN=$(npx ai-ops token --sub alice)` works; what it grants goes to stderr.
 * Local only: in AWS tokens come from the identity provider (Cognito or any OIDC issuer).
 */
export const tokenCommand = (): Command =>
  subcommand('token', 'get an access token from the local runtime (stdout: the token alone)')
    .addOption(
      new Option(
        '--sub <name>',
        'the token subject: who the API will see as the caller',
      ).makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--scope <scope...>',
        `scopes to grant, repeatable (default: ${LOCAL_DEFAULT_SCOPES.join(' ')})`,
      ),
    )
    .action(
      reportFailures(async (options: TokenOptions, command: Command) => {
        const target = targetOf(command);
        const client = new ApiClient(target.api.value, undefined, foundByOf(target.api, target));
        if (!isLocalEndpoint(client.endpoint))
          throw new CliError(
            'USAGE',
            `${client.endpoint} is not the local runtime: only it issues tokens; a deployed API takes tokens from its identity provider`,
          );
        // `--scope a --scope b`, `--scope a b` and `--scope "a b"` all mean the same two scopes.
        const given = (options.scope ?? []).flatMap((scope) => scope.split(/\s+/)).filter((s) => s !== '');
        const scopes = given.length > 0 ? given : LOCAL_DEFAULT_SCOPES;
        const token = await client.requestToken(options.sub, scopes);
        if (target.json) {
          process.stdout.write(`${JSON.stringify(token, null, 2)}\n`);
          return;
        }
        process.stderr.write(`# sub=${options.sub} scope="${token.scope}" expires_in=${token.expires_in}s\n`);
        process.stdout.write(`${token.access_token}\n`);
      }),
    );
