import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LocalHttpApiEvent, splitTarget } from './event';
import type { RuntimeRoutes } from './local-routes';
import { createRequestPipeline, type Outcome } from './pipeline';
import { gatewayReply, type HttpReply, internalServerError } from './result';
import type { HttpRoute } from './routes';
import type { LocalTokenIssuer } from './token-issuer';

/** What happened to one request, for the runtime's log. */
export interface RequestInfo {
  requestId: string;
  method: string;
  path: string;
  /** The route served (a local-only one included), or undefined for a 404. */
  routeKey: string | undefined;
  functionName: string | undefined;
  statusCode: number;
  durationMs: number;
  /** Why API Gateway answered instead of the function (401/403/404/413/500/503). */
  reason: string | undefined;
}

export interface LocalHttpApiOptions {
  routes: readonly HttpRoute[];
  /** Runs the route's function with the event; resolves to what the function returned. */
  invoke: (route: HttpRoute, event: LocalHttpApiEvent) => Promise<unknown>;
  issuer: LocalTokenIssuer;
  /** 0 picks a free port. */
  port: number;
  /** Loopback by default: the token route hands out tokens to anyone who can reach it. */
  host?: string;
  /** Until true, /health answers 503 and the definition's routes 503 Service Unavailable. */
  isReady: () => boolean;
  /** The runtime's parts for /health, and dead-letter redrive (local-routes.ts). */
  runtime?: RuntimeRoutes;
  onRequest?: (info: RequestInfo) => void;
  /** API Gateway gives up on an integration after 30 s and answers 503; tests shorten it. */
  integrationTimeoutMs?: number;
  /** Static files served before routing (the operator console, src/local/console/files.ts). */
  staticFiles?: (method: string, rawPath: string) => HttpReply | undefined;
}

export interface LocalHttpApi {
  url: string;
  close(): Promise<void>;
}

// API Gateway's payload limit for HTTP APIs.
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const INTEGRATION_TIMEOUT_MS = 30_000;

class BodyTooLargeError extends Error {}

// Events rather than `for await`: the async iterator cost more than the rest of reading a small body.
const readBody = (request: IncomingMessage): Promise<Buffer> =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer | string) => {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += buffer.length;
      if (size > MAX_BODY_BYTES) {
        // Stop reading: the rest of the body is never wanted (the connection is closed after the 413).
        request.pause();
        request.removeAllListeners('data');
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(buffer);
    });
    request.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    request.once('error', reject);
  });

const sourceIpOf = (request: IncomingMessage): string =>
  (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

const writeReply = (response: ServerResponse, reply: HttpReply, requestId: string): void => {
  response.statusCode = reply.statusCode;
  for (const [name, value] of Object.entries(reply.headers)) response.setHeader(name, value);
  if (reply.cookies.length > 0) response.setHeader('set-cookie', reply.cookies);
  response.setHeader('apigw-requestid', requestId);
  response.end(reply.body);
};

const failedBeforeRouting = (error: unknown, response: ServerResponse): Outcome => {
  if (error instanceof BodyTooLargeError) {
    // The rest of the body is not read: the connection cannot carry another request.
    response.setHeader('connection', 'close');
    const reply = gatewayReply(413, { message: 'Request Entity Too Large' });
    return { reply, route: undefined, routeKey: undefined, reason: `body over ${MAX_BODY_BYTES} bytes` };
  }
  return { reply: internalServerError(), route: undefined, routeKey: undefined, reason: String(error) };
};

/**
 * The stack's HTTP API on one machine (node:http): API Gateway's routing, JWT authorization, payload 2.0
 * events and response mapping in front of `invoke`, plus the local-only routes (/health, the token
 * route, the JWKS). The issuer is bound to the URL it listens on.
 */
export const createLocalHttpApi = async (options: LocalHttpApiOptions): Promise<LocalHttpApi> => {
  const { issuer, onRequest } = options;
  const host = options.host ?? '127.0.0.1';
  const pipeline = createRequestPipeline({
    routes: options.routes,
    invoke: options.invoke,
    issuer,
    isReady: options.isReady,
    ...(options.runtime ? { runtime: options.runtime } : {}),
    integrationTimeoutMs: options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS,
    ...(options.staticFiles ? { staticFiles: options.staticFiles } : {}),
  });
  let localPort = options.port;

  const server = createServer((request, response) => {
    const startedAt = Date.now();
    const requestId = randomUUID();
    const method = (request.method ?? 'GET').toUpperCase();
    const url = request.url ?? '/';
    const respond = ({ reply, route, routeKey, reason }: Outcome): void => {
      writeReply(response, reply, requestId);
      onRequest?.({
        requestId,
        method,
        path: splitTarget(url).rawPath,
        routeKey,
        functionName: route?.functionName,
        statusCode: reply.statusCode,
        durationMs: Date.now() - startedAt,
        reason,
      });
    };
    readBody(request)
      .then((body) =>
        pipeline({
          method,
          url,
          httpVersion: request.httpVersion,
          headers: request.headersDistinct,
          sourceIp: sourceIpOf(request),
          localPort,
          body,
          receivedAt: new Date(startedAt),
          requestId,
        }),
      )
      .catch((error: unknown) => failedBeforeRouting(error, response))
      .then(respond)
      .catch(() => response.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  localPort = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${localPort}`;
  issuer.bind(url);

  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // fetch keeps connections alive; without this close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
};
