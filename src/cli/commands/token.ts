import { type Command, Option } from 'commander';
import { ApiClient, isLocalEndpoint, LOCAL_DEFAULT_SCOPES, reportFailures } from '../api-client';
import { type CommonOptions, DEFAULT_LOCAL_API, output, subcommand } from '../common-options';

interface TokenOptions extends CommonOptions {
  sub: string;
  scope?: string[];
}

/**
 * `ai-ops token --sub NAME [--scope S ...]`: an access token from the local runtime's issuer, printed as
 * the last line so `TOKEN=$(ai-ops token --sub alice | tail -n 1)` works. Local only: in AWS tokens come
 * from the identity provider (Cognito or any OIDC issuer).
 */
export const tokenCommand = (): Command =>
  subcommand(
    'token',
    'get an access token from the local runtime',
    `local runtime URL (default ${DEFAULT_LOCAL_API})`,
  )
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
      reportFailures(async (options: TokenOptions) => {
        const client = new ApiClient(options.endpoint ?? DEFAULT_LOCAL_API);
        if (!isLocalEndpoint(client.endpoint))
          throw new Error(
            `${client.endpoint} is not the local runtime: only it issues tokens; a deployed API takes tokens from its identity provider`,
          );
        // `--scope a --scope b`, `--scope a b` and `--scope "a b"` all mean the same two scopes.
        const given = (options.scope ?? []).flatMap((scope) => scope.split(/\s+/)).filter((s) => s !== '');
        const scopes = given.length > 0 ? given : LOCAL_DEFAULT_SCOPES;
        const token = await client.requestToken(options.sub, scopes);
        output(options, token, () =>
          [
            `# sub=${options.sub} scope="${token.scope}" expires_in=${token.expires_in}s`,
            token.access_token,
          ].join('\n'),
        );
      }),
    );
