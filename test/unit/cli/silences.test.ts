import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSilences } from '../../../src/cli/commands/silences';
import { program } from '../../../src/cli/program';
import { flowLineOf } from '../../../src/local/flow-console';
import { runProgram } from '../../support/cli';

/** A stand-in HTTP API that records what `ai-ops silences` sends and answers as the real routes do. */
const requests: { method: string; url: string; body: unknown; auth: string | undefined }[] = [];
let server: Server;
let api: string;

const T = Date.UTC(2026, 0, 1, 12, 0, 0);
const silence = {
  silenceId: 's-1',
  stationId: 'ST-9',
  alertTypes: ['LOW_INVENTORY', 'CHARGER_DOWN'],
  startsAt: T,
  endsAt: T + 2 * 3_600_000,
  reason: 'rack swap',
  createdBy: 'alice',
  createdAt: T,
  matched: 3,
};

const bodyOf = async (request: IncomingMessage): Promise<unknown> => {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text ? JSON.parse(text) : undefined;
};

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const body = await bodyOf(request);
    requests.push({
      method: request.method ?? '',
      url: request.url ?? '',
      body,
      auth: request.headers.authorization,
    });
    response.setHeader('content-type', 'application/json');
    if (request.method === 'DELETE' && request.url === '/silences/unknown') {
      response.statusCode = 404;
      response.end(JSON.stringify({ error: 'SILENCE_NOT_FOUND', message: 'silence unknown does not exist' }));
    } else if (request.method === 'GET') response.end(JSON.stringify({ items: [silence] }));
    else {
      response.statusCode = request.method === 'POST' ? 201 : 200;
      response.end(JSON.stringify(silence));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const run = (...args: string[]) =>
  runProgram(program(), ['silences', ...args, '--api', api, '--token', 'tok']);

describe('ai-ops silences', () => {
  it('add sends the station, the types, endsAt = now + --duration and the reason, with the token', async () => {
    requests.length = 0;
    const before = Date.now();
    const result = await run(
      'add',
      '--station',
      'ST-9',
      '--type',
      'low_inventory',
      '--type',
      'CHARGER_DOWN',
      '--duration',
      '2h',
      '--reason',
      'rack swap',
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('silence s-1 added');
    const [sent] = requests;
    expect(sent).toMatchObject({ method: 'POST', url: '/silences', auth: 'Bearer tok' });
    const body = sent?.body as { endsAt: string; alertTypes: string[]; stationId: string; reason: string };
    expect(body).toMatchObject({
      stationId: 'ST-9',
      alertTypes: ['LOW_INVENTORY', 'CHARGER_DOWN'],
      reason: 'rack swap',
    });
    const endsAt = Date.parse(body.endsAt);
    expect(endsAt).toBeGreaterThanOrEqual(before + 2 * 3_600_000);
    expect(endsAt).toBeLessThanOrEqual(Date.now() + 2 * 3_600_000);
  });

  it('add --until sends that time; without --duration or --until, or with a bad type, it is a usage error that sends nothing', async () => {
    requests.length = 0;
    const until = await run(
      'add',
      '--station',
      '*',
      '--until',
      '2026-12-01T06:00:00Z',
      '--reason',
      'fleet update',
    );
    expect(until.exitCode).toBe(0);
    expect(requests[0]?.body).toEqual({
      stationId: '*',
      endsAt: '2026-12-01T06:00:00.000Z',
      reason: 'fleet update',
    });
    requests.length = 0;
    const neither = await run('add', '--station', 'ST-9', '--reason', 'x');
    expect(neither.exitCode).toBe(2);
    expect(neither.stderr).toMatch(/--duration|--until/);
    await expect(
      run('add', '--station', 'ST-9', '--type', 'SOLAR_FLARE', '--duration', '1h', '--reason', 'x'),
    ).rejects.toThrow(/must be one of/);
    expect(requests).toEqual([]);
  });

  it('list prints a table; remove ends one; an unknown id exits as not found', async () => {
    const list = await run('list');
    expect(list.stdout).toMatch(/s-1\s+ST-9\s+LOW_INVENTORY,CHARGER_DOWN/);
    const removed = await run('remove', 's-1');
    expect(removed.exitCode).toBe(0);
    expect(requests.at(-1)).toMatchObject({ method: 'DELETE', url: '/silences/s-1' });
    const unknown = await run('remove', 'unknown');
    expect(unknown.exitCode).toBe(3);
  });

  it('renders an empty list and a fleet-wide silence', () => {
    expect(renderSilences([])).toBe('no silences in force or planned');
    expect(renderSilences([{ ...silence, stationId: '*', alertTypes: [] }])).toMatch(
      /\* \(every station\)\s+all/,
    );
  });

  it('the flow console shows a silence being added and ended', () => {
    const base = {
      level: 'INFO',
      timestamp: '2026-01-01T10:00:01.000Z',
      silenceId: 's-1',
      stationId: 'ST-9',
    };
    expect(flowLineOf({ ...base, message: 'silence added', endsAt: T, actor: 'alice' })).toMatch(
      /suppressed +silence s-1 on ST-9 until 2026-01-01T12:00:00.000Z by alice/,
    );
    expect(flowLineOf({ ...base, message: 'silence ended', matched: 3, actor: 'bob' })).toMatch(
      /silence s-1 on ST-9 ended by bob \(3 suppressed\)/,
    );
  });
});
