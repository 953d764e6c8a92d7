import { z } from 'zod';
import { messageOf } from './send-error';

/** Hosts that can only be this machine: only there is it safe to mint a token from /local/token. */
export const isLoopbackUrl = (url: string): boolean => {
  let hostname: string;
  try {
    hostname = new URL(url).hostname;
  } catch {
    return false;
  }
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
};

const tokenResponse = z.object({ access_token: z.string().min(1) });

/** What the simulator needs: write metrics, nothing else. */
export const SIMULATOR_TOKEN_REQUEST = { sub: 'simulator', scopes: ['metrics/write'] } as const;

/** Asks the local runtime at `url` for a token (POST /local/token); throws an error saying what went wrong. */
export const fetchLocalToken = async (
  url: string,
  fetch: typeof globalThis.fetch = globalThis.fetch,
): Promise<string> => {
  const endpoint = `${url.replace(/\/+$/, '')}/local/token`;
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SIMULATOR_TOKEN_REQUEST),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new Error(`could not get a token from the local runtime at ${endpoint}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    throw new Error(
      `could not get a token from ${endpoint}: ${response.status} ${response.statusText} ${text}`.trim(),
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${endpoint} did not answer JSON: ${text.slice(0, 200)}`);
  }
  const parsed = tokenResponse.safeParse(json);
  if (!parsed.success) throw new Error(`${endpoint} answered without an access_token`);
  return parsed.data.access_token;
};

/**
 * The bearer token for `url`: the one given (--token / AIOPS_TOKEN), else for a loopback URL one
 * minted by the local runtime. A remote API without a token is refused before any request is sent.
 */
export const resolveToken = async (
  url: string,
  token: string | undefined,
  fetch: typeof globalThis.fetch = globalThis.fetch,
): Promise<string> => {
  if (token !== undefined && token !== '') return token;
  if (isLoopbackUrl(url)) return fetchLocalToken(url, fetch);
  throw new Error(`a token is needed for ${url}: pass --token or set AIOPS_TOKEN`);
};
