import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONSOLE_HEADER, type ConsolePageConfig, consoleFiles } from './files';

export interface ConsoleProxyOptions {
  /** The stack's HTTP API: a deployed stage or the local runtime. */
  endpoint: string;
  token: string;
  /** Against the local runtime: a fresh token when the API refuses the current one (401). */
  renewToken?: () => Promise<string>;
  /** 0 picks a free port. Loopback only: whoever reaches the proxy acts with the operator's token. */
  port: number;
}

export interface ConsoleProxy {
  url: string;
  close(): Promise<void>;
}

/** Who the token names and what it may do, for the page's header and read-only mode. Not verified: the API does that. */
export const tokenClaims = (token: string): { sub?: string; scopes: string[] } => {
  try {
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as Record<string, unknown>;
    const scopes =
      typeof payload.scope === 'string' ? payload.scope : typeof payload.scp === 'string' ? payload.scp : '';
    const list = Array.isArray(payload.scp) ? payload.scp.map(String) : scopes.split(' ').filter(Boolean);
    return { ...(typeof payload.sub === 'string' ? { sub: payload.sub } : {}), scopes: list };
  } catch {
    return { scopes: [] };
  }
};

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** The response headers worth passing back to the page; hop-by-hop and length headers are node's. */
const PASSED_HEADERS = ['content-type', 'www-authenticate', 'apigw-requestid', 'cache-control'];

/**
 * `ai-ops console`: the console's files at /console, and every other path forwarded to the API with the
 * operator's token added, so the token stays in this process and never reaches the page. Only requests
 * carrying the console's header are forwarded: a custom header cannot cross origins without a CORS
 * preflight (which this server never grants), so another web page cannot act with the token.
 */
export const startConsoleProxy = async (options: ConsoleProxyOptions): Promise<ConsoleProxy> => {
  const endpoint = options.endpoint.replace(/\/+$/, '');
  let token = options.token;
  const claims = tokenClaims(token);
  const config: ConsolePageConfig = {
    mode: 'proxy',
    scopes: claims.scopes,
    endpoint,
    ...(claims.sub ? { sub: claims.sub } : {}),
  };
  const files = await consoleFiles(config);

  const forward = (method: string, path: string, body: Buffer, contentType: string | undefined) =>
    fetch(`${endpoint}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(contentType ? { 'content-type': contentType } : {}) },
      ...(body.length > 0 ? { body } : {}),
    });

  const server = createServer((request, response) => {
    const method = (request.method ?? 'GET').toUpperCase();
    const url = request.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const file = files(method, path);
    if (file) {
      response.writeHead(file.statusCode, file.headers);
      response.end(file.body);
      return;
    }
    if (request.headers[CONSOLE_HEADER] !== '1') {
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ message: `only the console's page may call the API through this proxy` }),
      );
      return;
    }
    void (async () => {
      const body = await readBody(request);
      const contentType = request.headers['content-type'];
      let upstream = await forward(method, url, body, contentType);
      if (upstream.status === 401 && options.renewToken) {
        token = await options.renewToken();
        upstream = await forward(method, url, body, contentType);
      }
      const headers: Record<string, string> = {};
      for (const name of PASSED_HEADERS) {
        const value = upstream.headers.get(name);
        if (value) headers[name] = value;
      }
      response.writeHead(upstream.status, headers);
      response.end(Buffer.from(await upstream.arrayBuffer()));
    })().catch((error: unknown) => {
      // The API did not answer: the page says it is not live.
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: `the API at ${endpoint} did not answer: ${String(error)}` }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
