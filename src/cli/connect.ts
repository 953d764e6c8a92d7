import type { Command } from 'commander';
import { type ApiClient, connectApi } from './api-client';
import { optionsOf, targetOf } from './common-options';
import { foundByOf } from './target';

/** The API the command talks to (flag, environment, config, runtime file, default), with a token. */
export const connectCommand = (command: Command): Promise<ApiClient> => {
  const target = targetOf(command);
  const { api } = target;
  return connectApi({
    endpoint: api.value,
    foundBy: foundByOf(api, target),
    token: optionsOf<{ token?: string; json: boolean; verbose: boolean; color: boolean }>(command).token,
  });
};
