import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { simulateCommand } from '../../src/cli/commands/simulate';
import { parseMetricBatch } from '../../src/domain/metric-schema';
import type { Metric } from '../../src/domain/types';

interface Recorded {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
  /** What the server answered. */
  status: number;
  /** The readings of an accepted POST /metrics. */
  metrics?: Metric[];
}

const MINTED = 'local-token-for-simulator';

const bodyOf = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * A stand-in for the local runtime: POST /local/token mints a token, POST /metrics validates with the
 * real schema and answers 202 (or what `failWith` says for that request number).
 */
const fakeApi = async (failWith: (metricsRequest: number) => number | undefined = () => undefined) => {
  const recorded: Recorded[] = [];
  let metricsRequests = 0;
  const server: Server = createServer(async (request, response) => {
    const body = await bodyOf(request);
    const entry: Recorded = {
      method: request.method ?? '',
      path: request.url ?? '',
      authorization: request.headers.authorization,
      body,
      status: 404,
    };
    recorded.push(entry);
    const reply = (status: number, json: unknown) => {
      entry.status = status;
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    };
    if (entry.method === 'POST' && entry.path === '/local/token') {
      reply(200, { access_token: MINTED, token_type: 'Bearer', expires_in: 3600 });
      return;
    }
    if (entry.method !== 'POST' || entry.path !== '/metrics') {
      reply(404, { message: 'not found' });
      return;
    }
    metricsRequests++;
    const failure = failWith(metricsRequests);
    if (failure !== undefined) {
      reply(failure, { message: `failing on purpose (${failure})` });
      return;
    }
    try {
      const parsed: unknown = JSON.parse(body);
      if (!Array.isArray(parsed)) throw new Error('not an array');
      entry.metrics = parseMetricBatch(parsed, Date.now());
      reply(202, { accepted: entry.metrics.length });
    } catch (error) {
      reply(400, { message: error instanceof Error ? error.message : String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    recorded,
    metricsCalls: () => recorded.filter((entry) => entry.path === '/metrics'),
    tokenCalls: () => recorded.filter((entry) => entry.path === '/local/token'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

type FakeApi = Awaited<ReturnType<typeof fakeApi>>;

interface SummaryJson {
  url: string;
  stations: number;
  seed: number;
  incidents: boolean;
  intervalMs: number;
  durationMs: number;
  ticks: number;
  skippedTicks: number;
  metricsSent: number;
  metricsFailed: number;
  requestsOk: number;
  requestsFailed: number;
  errorsByStatus: Record<string, number>;
  elapsedMs: number;
  metricsPerSecond: number;
}

/** Runs `ai-ops simulate` in-process and returns what it printed on stdout. */
const simulate = async (args: string[]): Promise<string> => {
  let printed = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  });
  try {
    await simulateCommand().exitOverride().parseAsync(args, { from: 'user' });
  } finally {
    write.mockRestore();
  }
  return printed;
};

describe('ai-ops simulate against a local HTTP API', () => {
  let api: FakeApi | undefined;
  const savedToken = process.env.AIOPS_TOKEN;

  beforeEach(() => {
    delete process.env.AIOPS_TOKEN;
    process.exitCode = undefined;
  });

  afterEach(async () => {
    await api?.close();
    api = undefined;
    if (savedToken === undefined) delete process.env.AIOPS_TOKEN;
    else process.env.AIOPS_TOKEN = savedToken;
    process.exitCode = undefined;
  });

  it('gets a token from /local/token, posts valid metric arrays with it, and reports what the server saw', async () => {
    api = await fakeApi();
    const printed = await simulate([
      '--url',
      api.url,
      '--stations',
      '3',
      '--duration',
      '2s',
      '--interval',
      '200',
      '--seed',
      '7',
      '--json',
    ]);
    const summary = JSON.parse(printed) as SummaryJson;

    expect(api.tokenCalls()).toHaveLength(1);
    expect(JSON.parse(api.tokenCalls()[0]?.body ?? '')).toEqual({
      sub: 'simulator',
      scopes: ['metrics/write'],
    });
    const calls = api.metricsCalls();
    // 2 s at 200 ms: about 10 ticks, one request each (3 stations fit in one request).
    expect(calls.length).toBeGreaterThanOrEqual(8);
    expect(calls.length).toBeLessThanOrEqual(11);
    for (const call of calls) {
      expect(call.authorization).toBe(`Bearer ${MINTED}`);
      expect(call.status).toBe(202);
      expect(call.metrics?.map((metric) => metric.stationId)).toEqual([
        'STATION_001',
        'STATION_002',
        'STATION_003',
      ]);
    }
    // Each tick is a new instant: timestamps rise request by request.
    const stamps = calls.map((call) => call.metrics?.[0]?.timestamp ?? 0);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    expect(new Set(stamps).size).toBe(stamps.length);

    const sent = calls.reduce((sum, call) => sum + (call.metrics?.length ?? 0), 0);
    expect(summary).toMatchObject({
      url: api.url,
      stations: 3,
      seed: 7,
      incidents: true,
      intervalMs: 200,
      durationMs: 2000,
      ticks: calls.length,
      metricsSent: sent,
      metricsFailed: 0,
      requestsOk: calls.length,
      requestsFailed: 0,
      errorsByStatus: {},
    });
    expect(summary.elapsedMs).toBeGreaterThanOrEqual(1900);
    expect(summary.metricsPerSecond).toBeCloseTo(sent / (summary.elapsedMs / 1000), 1);
    expect(process.exitCode).toBeUndefined();
  });

  it('uses AIOPS_TOKEN instead of minting one, and counts refused requests by status without stopping', async () => {
    api = await fakeApi((n) => (n % 3 === 0 ? 503 : undefined));
    process.env.AIOPS_TOKEN = 'from-env';
    const printed = await simulate([
      '--url',
      api.url,
      '--stations',
      '2',
      '--duration',
      '1s',
      '--interval',
      '100',
      '--no-incidents',
      '--json',
    ]);
    const summary = JSON.parse(printed) as SummaryJson;
    const calls = api.metricsCalls();
    const refused = calls.filter((call) => call.status === 503).length;

    expect(api.tokenCalls()).toEqual([]);
    expect(calls.every((call) => call.authorization === 'Bearer from-env')).toBe(true);
    expect(refused).toBeGreaterThanOrEqual(2);
    expect(summary).toMatchObject({
      incidents: false,
      ticks: calls.length,
      requestsOk: calls.length - refused,
      requestsFailed: refused,
      metricsFailed: refused * 2,
      errorsByStatus: { '503': refused },
    });
    expect(process.exitCode).toBeUndefined();
  });

  it('exits 1 when the API accepts nothing, and prints a human summary without --json', async () => {
    api = await fakeApi(() => 401);
    const printed = await simulate([
      '--url',
      api.url,
      '--token',
      'wrong',
      '--stations',
      '1',
      '--duration',
      '500ms',
      '--interval',
      '100',
    ]);
    const refused = api.metricsCalls().length;
    expect(refused).toBeGreaterThan(0);
    expect(printed).toContain(`requests: 0 ok, ${refused} failed (401 x${refused})`);
    expect(printed).toContain('answered 401 Unauthorized');
    expect(process.exitCode).toBe(1);
  });

  it('refuses a remote API without a token before sending anything', async () => {
    await expect(
      simulate(['--url', 'https://api.example.invalid', '--duration', '1s', '--json']),
    ).rejects.toThrow('a token is needed for https://api.example.invalid: pass --token or set AIOPS_TOKEN');
  });

  it.each([
    [['--duration', 'soon'], "'soon' is not a duration"],
    [['--stations', '0'], 'must be a whole number from 1 to 100000'],
    [['--interval', 'fast'], 'must be a whole number from 10 to 3600000'],
    [['--seed', '-1'], 'must be a whole number from 0 to 4294967295'],
  ])('refuses bad options %j', async (args, message) => {
    const command = simulateCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => {} });
    await expect(
      command.parseAsync(['--url', 'http://127.0.0.1:9', ...args], { from: 'user' }),
    ).rejects.toThrow(message);
  });
});
