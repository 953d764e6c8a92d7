import type { DynamoDBRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertIdFor } from '../../../src/domain/ids';
import type { Metric } from '../../../src/domain/types';
import { historyLookbackMs } from '../../../src/rules';
import { evaluateBatch } from '../../../src/streams/evaluate-batch';
import { HISTORY_TOKEN_KEY, StationHistory } from '../../../src/streams/station-history';
import type { DynamoDBTimeWindowEvent } from '../../../src/streams/time-window-event';
import { metricInserted, streamEvent } from '../../support/stream-records';
import { createEvaluatorFixture, type EvaluatorFixture, MINUTE, reading, T0 } from './support';

const SHARD = 'shardId-00000001-history';

const windowEvent = (records: DynamoDBRecord[], state: Record<string, unknown>): DynamoDBTimeWindowEvent => ({
  Records: records,
  window: { start: new Date(T0).toISOString(), end: new Date(T0 + 15 * MINUTE).toISOString() },
  state,
  shardId: SHARD,
  eventSourceARN: 'arn:aws:dynamodb:eu-west-1:000000000000:table/metrics/stream/x',
  isFinalInvokeForWindow: false,
  isWindowTerminatedEarly: false,
});

const faulty = (stationId: string, minute: number): Metric =>
  reading(stationId, T0 + minute * MINUTE, { faultPatterns: ['E_BMS_TEMP'] });

describe('evaluateBatch with the station history (tumbling-window events, DynamoDB Local)', () => {
  let f: EvaluatorFixture;
  const newHistory = () =>
    new StationHistory({ maxReadings: 10_000, windowMs: historyLookbackMs(f.deps.thresholds) });

  beforeEach(async () => {
    f = await createEvaluatorFixture();
  });
  afterEach(() => f.close());

  /** Writes the readings as ingest would, then hands their stream records to the evaluator. */
  const deliver = async (
    history: StationHistory,
    metrics: readonly Metric[],
    state: Record<string, unknown>,
  ) => {
    const records = metrics.map((m) => metricInserted(m));
    await f.applyToMetricsTable(records);
    f.requests.reset();
    const result = await evaluateBatch(windowEvent(records, state), f.deps, {}, history);
    return { result, queries: f.requests.count('Query'), state: result.state ?? {} };
  };

  it('reads each station once, then evaluates later batches of the shard from memory with the same alerts', async () => {
    const history = newHistory();
    const first = await deliver(history, [faulty('S_A', 0), reading('S_B', T0)], {});
    expect(first.queries).toBe(2);
    expect(first.result.stationsRead).toBe(2);
    expect(first.state[HISTORY_TOKEN_KEY]).toEqual(expect.any(String));

    const second = await deliver(history, [faulty('S_A', 1), reading('S_B', T0 + MINUTE)], first.state);
    expect(second.queries).toBe(0);
    expect(second.result.stationsRead).toBe(0);

    // The third fault reading makes three in the window: FAULT_PATTERN fires from memory alone.
    const third = await deliver(history, [faulty('S_A', 2)], second.state);
    expect(third.queries).toBe(0);
    expect(third.result.batchItemFailures).toEqual([]);
    const rows = await f.alertRows();
    expect(rows.map((r) => r.alertId)).toEqual([alertIdFor('S_A', 'FAULT_PATTERN', T0 + 2 * MINUTE)]);
    expect(rows[0]).toMatchObject({ severity: 'HIGH', occurrences: 1 });
  });

  it('reads again when another instance handled the batch in between, and sees what that batch held', async () => {
    const a = newHistory();
    const b = newHistory();
    const one = await deliver(a, [faulty('S_A', 0)], {});
    // The shard's next batch runs in another instance: it cannot trust A's token and reads.
    const two = await deliver(b, [faulty('S_A', 1)], one.state);
    expect(two.queries).toBe(1);
    // Back on A with B's token: A's memory lacks minute 1, so it must read, or the pattern would be missed.
    const three = await deliver(a, [faulty('S_A', 2)], two.state);
    expect(three.queries).toBe(1);
    expect((await f.alertRows()).map((r) => r.alertId)).toEqual([
      alertIdFor('S_A', 'FAULT_PATTERN', T0 + 2 * MINUTE),
    ]);
  });

  it('reads again on a new window (empty state), on a state it did not issue last, and after a bad record', async () => {
    const history = newHistory();
    const one = await deliver(history, [reading('S_A', T0)], {});
    const two = await deliver(history, [reading('S_A', T0 + MINUTE)], one.state);
    expect(two.queries).toBe(0);
    // An older state (a response lost after the instance issued a newer token): memory is not trusted.
    const stale = await deliver(history, [reading('S_A', T0 + 2 * MINUTE)], one.state);
    expect(stale.queries).toBe(1);
    const fresh = await deliver(history, [reading('S_A', T0 + 3 * MINUTE)], {});
    expect(fresh.queries).toBe(1);

    // A record that cannot be decoded is reported, and the shard is read afresh next time.
    const broken = metricInserted(reading('S_A', T0 + 4 * MINUTE));
    if (broken.dynamodb) broken.dynamodb.NewImage = undefined;
    f.requests.reset();
    const bad = await evaluateBatch(windowEvent([broken], fresh.state), f.deps, {}, history);
    expect(bad.batchItemFailures).toHaveLength(1);
    const after = await deliver(history, [reading('S_A', T0 + 5 * MINUTE)], bad.state ?? {});
    expect(after.queries).toBe(1);
  });

  it('keeps the stateless behaviour for plain stream events: every station read, no state returned', async () => {
    const history = newHistory();
    const records = [metricInserted(reading('S_A', T0)), metricInserted(reading('S_B', T0))];
    await f.applyToMetricsTable(records);
    for (let round = 0; round < 2; round++) {
      f.requests.reset();
      const result = await evaluateBatch(streamEvent(records), f.deps, {}, history);
      expect(result.state).toBeUndefined();
      expect(f.requests.count('Query')).toBe(2);
    }
  });
});
