import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlertItem } from '../../../src/adapters/dynamodb/alert-item';
import { DynamoSilenceStore, SILENCE_INDEX } from '../../../src/adapters/dynamodb/silence-store';
import { resetConfig } from '../../../src/config';
import { alertIdFor } from '../../../src/domain/ids';
import type { Silence } from '../../../src/domain/silence';
import type { Metric } from '../../../src/domain/types';
import { lambdaContext } from '../../../src/local/lambda-context';
import { evaluateBatch } from '../../../src/streams/evaluate-batch';
import { SilenceCheck } from '../../../src/use-cases/silence-check';
import { httpApiEvent } from '../../support/http-api-event';
import { metricInserted, streamEvent } from '../../support/stream-records';
import { createEvaluatorFixture, type EvaluatorFixture, MINUTE, reading, T0 } from '../evaluator/support';

/**
 * Silences as an operator lives them, on DynamoDB Local: the routes of the decide and query functions
 * (their real handlers), then the evaluator suppressing, counting and letting go when the silence ends.
 */
type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;

let f: EvaluatorFixture;
let decide: Handler;
let query: Handler;
let store: DynamoSilenceStore;

beforeAll(async () => {
  f = await createEvaluatorFixture();
  store = new DynamoSilenceStore({ doc: f.tables.doc, tableName: f.tables.names.alerts });
  Object.assign(process.env, {
    ALERTS_TABLE: f.tables.names.alerts,
    AUDIT_TABLE: f.tables.names.audit,
    DYNAMODB_ENDPOINT: f.tables.endpoint,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    POWERTOOLS_METRICS_DISABLED: 'true',
    LOG_LEVEL: 'ERROR',
  });
  resetConfig();
  decide = (await import('../../../handlers/decide-alert')).handler as unknown as Handler;
  query = (await import('../../../handlers/query-alerts')).handler as unknown as Handler;
});
afterAll(() => f.close());

const call = async (
  handler: Handler,
  routeKey: string,
  options: { body?: unknown; raw?: string; silenceId?: string; sub?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> => {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  const event = httpApiEvent({
    routeKey,
    rawPath: path,
    claims: { sub: options.sub ?? 'operator-alice' },
    scopes: ['alerts/read', 'alerts/decide'],
    ...(options.silenceId ? { pathParameters: { silenceId: options.silenceId } } : {}),
    ...(options.raw !== undefined || options.body !== undefined
      ? { body: options.raw ?? JSON.stringify(options.body) }
      : {}),
  });
  event.requestContext.http.method = method;
  const reply = await handler(
    event,
    lambdaContext(routeKey.startsWith('GET') ? 'queryAlerts' : 'decideAlert'),
  );
  return { status: reply.statusCode ?? 0, body: JSON.parse(String(reply.body)) as Record<string, unknown> };
};

const listed = async (): Promise<Silence[]> => (await call(query, 'GET /silences')).body.items as Silence[];

describe('the silence routes', () => {
  const inAnHour = () => new Date(Date.now() + 60 * MINUTE).toISOString();

  it('POST adds a silence as the token’s subject, GET lists it, DELETE ends it; a second DELETE answers the same', async () => {
    const added = await call(decide, 'POST /silences', {
      body: {
        stationId: 'ST-MAINT',
        alertTypes: ['LOW_INVENTORY'],
        endsAt: inAnHour(),
        reason: 'battery swap robot service',
      },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      stationId: 'ST-MAINT',
      alertTypes: ['LOW_INVENTORY'],
      createdBy: 'operator-alice',
      matched: 0,
      reason: 'battery swap robot service',
    });
    const everywhere = await call(decide, 'POST /silences', {
      body: {
        stationId: '*',
        startsAt: Date.now() + 30 * MINUTE,
        endsAt: inAnHour(),
        reason: 'fleet firmware update',
      },
    });
    expect(everywhere.status).toBe(201);
    expect(everywhere.body.alertTypes).toEqual([]);
    expect((await listed()).map((s) => s.silenceId).sort()).toEqual(
      [added.body.silenceId, everywhere.body.silenceId].sort(),
    );
    // The rows are neither alerts nor anything the dispatcher acts on.
    expect((await f.scanAlertsTable()).filter((row) => isAlertItem(row))).toEqual([]);

    const id = String(added.body.silenceId);
    const ended = await call(decide, 'DELETE /silences/{silenceId}', { silenceId: id, sub: 'operator-bob' });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ silenceId: id, endedBy: 'operator-bob' });
    expect(ended.body.endsAt).toBe(ended.body.endedAt);
    expect((await listed()).map((s) => s.silenceId)).toEqual([everywhere.body.silenceId]);
    const again = await call(decide, 'DELETE /silences/{silenceId}', { silenceId: id });
    expect(again).toEqual(ended);

    await call(decide, 'DELETE /silences/{silenceId}', { silenceId: String(everywhere.body.silenceId) });
  });

  it('DELETE of an unknown silence is 404', async () => {
    const reply = await call(decide, 'DELETE /silences/{silenceId}', { silenceId: 'no-such-silence' });
    expect(reply).toMatchObject({ status: 404, body: { error: 'SILENCE_NOT_FOUND' } });
  });

  const good = () => ({ stationId: 'ST-BAD', endsAt: Date.now() + 60 * MINUTE, reason: 'maintenance' });
  it.each([
    ['endsAt in the past', { ...good(), endsAt: Date.now() - MINUTE }, 'endsAt'],
    ['endsAt before startsAt', { ...good(), startsAt: Date.now() + 2 * 60 * MINUTE }, 'endsAt'],
    ['longer than 30 days', { ...good(), endsAt: Date.now() + 31 * 24 * 60 * MINUTE }, 'endsAt'],
    ['an unknown alert type', { ...good(), alertTypes: ['LOW_INVENTORY', 'SOLAR_FLARE'] }, 'alertTypes.1'],
    ['no reason', { ...good(), reason: undefined }, 'reason'],
    ['a blank reason', { ...good(), reason: '  ' }, 'reason'],
    ['no station', { ...good(), stationId: undefined }, 'stationId'],
    ['endsAt not a time', { ...good(), endsAt: 'tomorrow' }, 'endsAt'],
    ['createdBy in the body', { ...good(), createdBy: 'mallory' }, 'createdBy'],
    ['a body that is not an object', ['ST-BAD'], '(body)'],
  ])('400 naming the field for %s, nothing written', async (_case, body, field) => {
    const before = await f.scanAlertsTable();
    const reply = await call(decide, 'POST /silences', { body });
    expect(reply.status).toBe(400);
    expect((reply.body.errors as { path: string }[]).map((e) => e.path)).toContain(field);
    expect(await f.scanAlertsTable()).toEqual(before);
  });

  it('400 for malformed JSON', async () => {
    const reply = await call(decide, 'POST /silences', { raw: '{"stationId": ' });
    expect(reply.status).toBe(400);
    expect((reply.body.errors as { path: string }[]).map((e) => e.path)).toEqual(['(body)']);
  });
});

describe('the evaluator under a silence (event time)', () => {
  /** Low stock (LOW_INVENTORY CRITICAL) and a charger down (CHARGER_DOWN CRITICAL), every minute. */
  const broken = (stationId: string, from: number, count: number): Metric[] =>
    Array.from({ length: count }, (_, i) =>
      reading(stationId, from + i * MINUTE, { chargedBatteries: 0, swapRate: 0, chargerHealth: 'down' }),
    );

  it('suppresses the silenced type only, counts it, logs the silence; the first trigger after it opens the alert; a replay changes nothing', async () => {
    const stationId = 'ST-SILENCED';
    let wall = T0;
    const clock = { now: () => wall };
    const silence = await store.endingAfter(0).then(() => ({
      silenceId: 'maint-1',
      stationId,
      alertTypes: ['LOW_INVENTORY' as const],
      startsAt: T0,
      endsAt: T0 + 3 * MINUTE,
      reason: 'battery rack replaced',
      createdBy: 'operator-alice',
      createdAt: T0,
      matched: 0,
    }));
    await store.create(silence);
    const deps = { ...f.deps, clock, silences: new SilenceCheck(store, clock, 0) };
    const suppressed: [string, string, string][] = [];
    const hooks = {
      onSuppressed: (c: { alertType: string }, id: string, seq: string) =>
        suppressed.push([c.alertType, id, seq]),
    };

    const during = broken(stationId, T0, 3);
    await f.writeMetrics(during);
    const records = during.map((m) => metricInserted(m));
    for (const record of records) {
      wall += MINUTE;
      expect((await evaluateBatch(streamEvent([record]), deps, hooks)).batchItemFailures).toEqual([]);
    }
    const rows = async () => (await f.alertRows()).filter((row) => row.stationId === stationId);
    expect((await rows()).map((r) => r.alertType)).toEqual(['CHARGER_DOWN']);
    expect(suppressed.map(([type, id]) => [type, id])).toEqual([
      ['LOW_INVENTORY', 'maint-1'],
      ['LOW_INVENTORY', 'maint-1'],
      ['LOW_INVENTORY', 'maint-1'],
    ]);
    const counted = (await store.endingAfter(T0)).find((s) => s.silenceId === 'maint-1');
    expect(counted).toMatchObject({ matched: 3, lastMatchedAt: T0 + 2 * MINUTE });

    // A replay is silenced as it was live: still no LOW_INVENTORY alert, no guard taken.
    await evaluateBatch(streamEvent(records), deps, hooks);
    expect((await rows()).map((r) => r.alertType)).toEqual(['CHARGER_DOWN']);
    expect((await f.scanAlertsTable()).some((row) => row.alertId === `OPEN#${stationId}#LOW_INVENTORY`)).toBe(
      false,
    );

    // The silence is over; the station still meets the rule: its next trigger opens the alert.
    const after = broken(stationId, T0 + 3 * MINUTE, 1);
    await f.writeMetrics(after);
    await evaluateBatch(streamEvent(after.map((m) => metricInserted(m))), deps, hooks);
    const lowInventory = (await rows()).filter((r) => r.alertType === 'LOW_INVENTORY');
    expect(lowInventory.map((r) => r.alertId)).toEqual([
      alertIdFor(stationId, 'LOW_INVENTORY', T0 + 3 * MINUTE),
    ]);
  });

  it('a `*` silence covers every station and every type; a quiet batch reads no silence', async () => {
    let wall = T0 + 60 * MINUTE;
    const clock = { now: () => wall };
    await store.create({
      silenceId: 'fleet-1',
      stationId: '*',
      alertTypes: [],
      startsAt: T0 + 60 * MINUTE,
      endsAt: T0 + 90 * MINUTE,
      reason: 'fleet firmware update',
      createdBy: 'operator-alice',
      createdAt: T0,
      matched: 0,
    });
    const deps = { ...f.deps, clock, silences: new SilenceCheck(store, clock, 10_000) };
    const a = broken('ST-FLEET-A', T0 + 61 * MINUTE, 1);
    const b = broken('ST-FLEET-B', T0 + 61 * MINUTE, 1);
    const quiet = [reading('ST-FLEET-C', T0 + 61 * MINUTE)];
    await f.writeMetrics([...a, ...b, ...quiet]);

    f.requests.sent.length = 0;
    await evaluateBatch(streamEvent(quiet.map((m) => metricInserted(m))), deps);
    const silenceQueries = () => f.requests.sent.filter((r) => r.input.IndexName === SILENCE_INDEX).length;
    expect(silenceQueries()).toBe(0);

    wall += 1000;
    await evaluateBatch(streamEvent([...a, ...b].map((m) => metricInserted(m))), deps);
    // Four triggers (two types, two stations), one Query.
    expect(silenceQueries()).toBe(1);
    const rows = (await f.alertRows()).filter((r) => String(r.stationId).startsWith('ST-FLEET'));
    expect(rows).toEqual([]);
    expect((await store.endingAfter(T0)).find((s) => s.silenceId === 'fleet-1')?.matched).toBe(4);
  });
});
