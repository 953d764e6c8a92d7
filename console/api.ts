/**
 * The page's one way to the API. The token lives in this module's memory only (never localStorage,
 * sessionStorage or a cookie): locally the page asks the runtime's token route for one; behind
 * `ai-ops console` the proxy adds the operator's token and the page never sees it.
 */

export interface ConsoleConfig {
  /** local: the runtime serves the page and issues tokens; proxy: `ai-ops console` adds the token. */
  mode: 'local' | 'proxy';
  /** Proxy mode: who the token is for and what it may do (read from the token by the proxy). */
  sub?: string;
  scopes?: string[];
  endpoint?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(typeof body.message === 'string' ? body.message : `HTTP ${status}`);
  }

  /** The API's message for one field of a 400, if it named it. */
  fieldMessage(field: string): string | undefined {
    const errors = Array.isArray(this.body.errors) ? this.body.errors : [];
    for (const e of errors)
      if (e && typeof e === 'object' && (e as { path?: unknown }).path === field)
        return String((e as { message?: unknown }).message);
    return undefined;
  }
}

/** The API could not be reached at all (runtime stopped, network down). */
export class UnreachableError extends Error {}

export interface Identity {
  sub: string;
  scopes: string[];
}

let config: ConsoleConfig = { mode: 'local' };
let token: string | undefined;
let identity: Identity = { sub: '', scopes: [] };

const wantedIdentity = (): { sub: string; scopes?: string[] } => {
  const params = new URLSearchParams(location.search);
  const scopes = params.get('scopes');
  return {
    sub: params.get('sub') || 'console-operator',
    ...(scopes ? { scopes: scopes.split(/[ ,]+/).filter(Boolean) } : {}),
  };
};

/** Locally: a fresh token from the runtime's token route (what `ai-ops token` does). */
const localToken = async (): Promise<void> => {
  const response = await fetch('/local/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(wantedIdentity()),
  }).catch(() => {
    throw new UnreachableError('the local runtime does not answer');
  });
  const body = (await response.json()) as { access_token?: string; scope?: string };
  if (!response.ok || !body.access_token) throw new ApiError(response.status, body);
  token = body.access_token;
  identity = { sub: wantedIdentity().sub, scopes: (body.scope ?? '').split(' ').filter(Boolean) };
};

export const startSession = async (): Promise<Identity> => {
  const response = await fetch('config.json', { cache: 'no-store' });
  config = (await response.json()) as ConsoleConfig;
  if (config.mode === 'local') await localToken();
  else identity = { sub: config.sub ?? '(unknown)', scopes: config.scopes ?? [] };
  return identity;
};

export const currentIdentity = (): Identity => identity;
export const canDecide = (): boolean => identity.scopes.includes('alerts/decide');
export const sessionMode = (): ConsoleConfig['mode'] => config.mode;

const send = (path: string, init: RequestInit): Promise<Response> =>
  fetch(path, {
    ...init,
    headers: {
      // `ai-ops console` forwards only requests with it (a cross-site page cannot send it without CORS).
      'x-ai-ops-console': '1',
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  }).catch(() => {
    throw new UnreachableError('the API does not answer');
  });

/**
 * JSON from the API. A 401 locally means the runtime restarted (new signing key) or the token expired:
 * the page gets a new token once and retries. Behind the proxy a 401 is the operator's to fix.
 */
export const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
  let response = await send(path, init);
  if (response.status === 401 && config.mode === 'local') {
    await localToken();
    response = await send(path, init);
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { message: text };
  }
  if (!response.ok) throw new ApiError(response.status, body);
  return body as T;
};

/** Why the page is not live, in words an operator can act on. */
export const notLiveReason = (error: unknown): string => {
  if (error instanceof UnreachableError)
    return config.mode === 'local'
      ? 'the local runtime is unreachable (is `npm start` running?)'
      : 'the API is unreachable (is `ai-ops console` still running?)';
  if (error instanceof ApiError && error.status === 401)
    return config.mode === 'local'
      ? 'the token was refused; reload the page to get a new one'
      : 'the token has expired: restart `ai-ops console` with a new --token or AIOPS_TOKEN';
  if (error instanceof ApiError) return `the API answered ${error.status}: ${error.message}`;
  return String(error);
};
