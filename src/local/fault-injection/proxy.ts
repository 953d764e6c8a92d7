import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FAULT_KINDS, type FaultKind, type FaultService } from './spec';

/**
 * A loopback proxy in front of one local AWS endpoint that fails a share of the requests it gets, as
 * the service would: throttled, a 5xx, or no answer until the connection drops. The functions' SDK
 * clients are pointed at it (DYNAMODB_ENDPOINT, SFN_ENDPOINT, SNS_ENDPOINT), so the handlers, their
 * clients and the SDK's own retries run unchanged: nothing test-only is bundled into a Lambda, which a
 * middleware on the clients would need.
 *
 * Every fault is injected before the request is forwarded: the service never saw a failed request.
 * (A response lost after the service acted is the case SNS's dedupKey attribute exists for; it is not
 * simulated, docs/architecture.md.)
 */
export interface FaultProxyOptions {
  service: FaultService;
  /** Where requests that do not fail go, e.g. DynamoDB Local's endpoint. */
  target: string;
  /** Share of requests that fail, 0..1. */
  rate: number;
  /** How long a `timeout` fault holds the request before dropping the connection. */
  timeoutMs?: number;
  /** A number in [0, 1) per call; Math.random unless a test needs a seeded sequence. */
  random?: () => number;
}

export interface FaultProxyStats {
  requests: number;
  faults: Record<FaultKind, number>;
}

export interface FaultProxy {
  url: string;
  stats(): FaultProxyStats;
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** Error bodies in each service's protocol, with codes the SDK classifies as throttling or transient. */
const failWith = (service: FaultService, kind: 'throttling' | '5xx', res: ServerResponse): void => {
  const status = kind === 'throttling' ? 400 : 500;
  const message = `injected ${kind} fault (ai-ops --faults)`;
  if (service === 'sns') {
    const code = kind === 'throttling' ? 'Throttling' : 'InternalFailure';
    res.writeHead(status, { 'content-type': 'text/xml' });
    res.end(
      `<?xml version="1.0"?>\n<ErrorResponse><Error><Type>${kind === 'throttling' ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    );
    return;
  }
  const type =
    service === 'dynamodb'
      ? `com.amazonaws.dynamodb.v20120810#${kind === 'throttling' ? 'ThrottlingException' : 'InternalServerError'}`
      : kind === 'throttling'
        ? 'ThrottlingException'
        : 'InternalFailure';
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify({ __type: type, message }));
};

const forward = (target: URL, req: IncomingMessage, body: Buffer, res: ServerResponse): void => {
  const upstream = request(
    {
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  // The target being down is what the caller would see without the proxy: a dropped connection.
  upstream.on('error', () => res.destroy());
  upstream.end(body);
};

export const startFaultProxy = async (options: FaultProxyOptions): Promise<FaultProxy> => {
  const target = new URL(options.target);
  const random = options.random ?? Math.random;
  const timeoutMs = options.timeoutMs ?? 500;
  const stats: FaultProxyStats = { requests: 0, faults: { throttling: 0, '5xx': 0, timeout: 0 } };
  const held = new Set<NodeJS.Timeout>();

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      stats.requests += 1;
      if (random() >= options.rate) return forward(target, req, body, res);
      const kind = FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)] ?? 'throttling';
      stats.faults[kind] += 1;
      if (kind !== 'timeout') return failWith(options.service, kind, res);
      const timer = setTimeout(() => {
        held.delete(timer);
        res.destroy();
      }, timeoutMs);
      held.add(timer);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => structuredClone(stats),
    close: async () => {
      for (const timer of held) clearTimeout(timer);
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
