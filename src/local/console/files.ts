import { execFile } from 'node:child_process';
import { access, readdir, readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { HttpReply } from '../http-api/result';

/** Where the console is served: the page and its files; everything else is the API. */
export const CONSOLE_PATH = '/console';

/** The page sends it on every API call; `ai-ops console` forwards only requests that carry it. */
export const CONSOLE_HEADER = 'x-ai-ops-console';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CONSOLE_DIST = join(REPO, 'dist', 'console');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

/** What the page learns at start (console/api.ts): who holds the token, and what it may do. */
export interface ConsolePageConfig {
  mode: 'local' | 'proxy';
  sub?: string;
  scopes?: string[];
  endpoint?: string;
}

/**
 * The console's files exist after `npm install` (prepare) or `npm run build:console`; a checkout that
 * skipped both builds them once here, so `npm start` always has a console.
 */
export const ensureConsoleBuilt = async (): Promise<void> => {
  try {
    await access(join(CONSOLE_DIST, 'index.html'));
  } catch {
    await promisify(execFile)(process.execPath, [join(REPO, 'scripts', 'build-console.mjs')], { cwd: REPO });
  }
};

const reply = (statusCode: number, body: Buffer | string, headers: Record<string, string>): HttpReply => ({
  statusCode,
  headers: {
    // The page talks to its own origin only, and runs no inline script.
    'content-security-policy':
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    ...headers,
  },
  cookies: [],
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
});

/**
 * Serves GET /console/... from the built files, read once: only names the build wrote are served (no
 * path from the URL reaches the file system), and /console/config.json tells the page its mode.
 * Answers undefined for any other path, which is the API's.
 */
export const consoleFiles = async (
  config: ConsolePageConfig,
): Promise<(method: string, rawPath: string) => HttpReply | undefined> => {
  await ensureConsoleBuilt();
  const files = new Map<string, Buffer>();
  for (const name of await readdir(CONSOLE_DIST)) files.set(name, await readFile(join(CONSOLE_DIST, name)));
  const configBody = JSON.stringify(config);
  return (method, rawPath) => {
    if (rawPath !== CONSOLE_PATH && !rawPath.startsWith(`${CONSOLE_PATH}/`)) return undefined;
    if (method !== 'GET' && method !== 'HEAD')
      return reply(405, JSON.stringify({ message: 'Method Not Allowed' }), {
        'content-type': 'application/json',
        allow: 'GET',
      });
    // Relative asset URLs in index.html need the trailing slash.
    if (rawPath === CONSOLE_PATH) return reply(302, '', { location: `${CONSOLE_PATH}/` });
    const name = rawPath.slice(CONSOLE_PATH.length + 1) || 'index.html';
    if (name === 'config.json')
      return reply(200, configBody, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    const file = files.get(name);
    if (!file)
      return reply(404, JSON.stringify({ message: 'Not Found' }), { 'content-type': 'application/json' });
    return reply(200, file, {
      'content-type': TYPES[extname(name)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
  };
};
