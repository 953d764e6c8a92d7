import type { DynamoDBRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertIdFor } from '../../../src/domain/ids';
import { evaluateBatch } from '../../../src/streams/evaluate-batch';
import { metricInserted, streamEvent } from '../../support/stream-records';
import {
  createEvaluatorFixture,
  type EvaluatorFixture,
  MINUTE,
  queriedStation,
  reading,
  type SentRequest,
  T0,
} from './support';

const sequenceOf = (record: DynamoDBRecord | undefined): string => {
  const sequence = record?.dynamodb?.SequenceNumber;
  if (!sequence) throw new Error('record without a sequence number');
  return sequence;
};

/** True when a request concerns this station (its id anywhere in the input, document or wire shape). */
const mentions = (request: SentRequest, stationId: string): boolean =>
  JSON.stringify(request.input).includes(`"${stationId}"`);

const injected = () =>
  Object.assign(new Error('injected: the alerts table is unavailable'), { name: 'InjectedFailure' });

describe('evaluateBatch when the stores fail for one station', () => {
  let f: EvaluatorFixture;

  beforeEach(async () => {
    f = await createEvaluatorFixture();
  });

  afterEach(() => f.close());

  it('reports the failed record and the later records of that station; other stations succeed; a retry completes it', async () => {
    const failing = [
      reading('S_FAIL', T0 - 2 * MINUTE), // quiet: evaluated before the failure
      reading('S_FAIL', T0 - MINUTE, { chargedBatteries: 0 }), // fires: its raise fails
      reading('S_FAIL', T0), // quiet, but after the failure: not evaluated
      reading('S_FAIL', T0 + MINUTE, { chargerHealth: 'down' }),
    ];
    const ok = [
      reading('S_OK', T0 - 2 * MINUTE, { chargedBatteries: 2, swapRate: 0 }),
      reading('S_OK', T0 - MINUTE),
      reading('S_OK', T0, { chargerHealth: 'down' }),
      reading('S_OK', T0 + MINUTE, { chargedBatteries: 1, swapRate: 0 }),
    ];
    const quiet = [reading('S_QUIET', T0), reading('S_QUIET', T0 + MINUTE)];
    await f.writeMetrics([...failing, ...ok, ...quiet]);
    // Interleaved, as the stream delivers concurrent stations.
    const order = [
      ok[0],
      failing[0],
      failing[1],
      ok[1],
      quiet[0],
      failing[2],
      ok[2],
      failing[3],
      quiet[1],
      ok[3],
    ];
    const records = order.map((m) => {
      if (!m) throw new Error('fixture');
      return metricInserted(m);
    });
    const recordOf = (m: (typeof failing)[number] | undefined) => records[order.indexOf(m)];
    f.requests.failWhen((request) =>
      request.operation === 'TransactWriteItems' && mentions(request, 'S_FAIL') ? injected() : undefined,
    );
    const failed: { sequence: string; stationId: string | undefined; error: unknown }[] = [];

    const result = await evaluateBatch(streamEvent(records), f.deps, {
      onRecordFailed: (sequence, stationId, error) => failed.push({ sequence, stationId, error }),
    });

    const reported = [failing[1], failing[2], failing[3]].map((m) => sequenceOf(recordOf(m)));
    expect(result.batchItemFailures).toEqual(reported.map((itemIdentifier) => ({ itemIdentifier })));
    expect(result.counts).toEqual({ processed: 7, skipped: 0, failed: 3 });
    expect(failed).toEqual([
      {
        sequence: reported[0],
        stationId: 'S_FAIL',
        error: expect.objectContaining({ name: 'InjectedFailure' }),
      },
    ]);
    const okAlerts = await f.alertRows();
    expect(okAlerts.map((a) => [a.stationId, a.alertType, a.occurrences]).sort()).toEqual([
      ['S_OK', 'CHARGER_DOWN', 1],
      ['S_OK', 'LOW_INVENTORY', 2],
    ]);

    // Lambda retries from the lowest reported sequence number: everything after it comes again.
    f.requests.failWhen(undefined);
    const from = records.findIndex((r) => sequenceOf(r) === reported[0]);
    const retry = await evaluateBatch(streamEvent(records.slice(from)), f.deps);

    expect(retry.batchItemFailures).toEqual([]);
    const alerts = await f.alertRows();
    // S_FAIL's alerts now exist; S_OK's were not counted twice.
    expect(alerts.map((a) => [a.stationId, a.alertType, a.occurrences]).sort()).toEqual([
      ['S_FAIL', 'CHARGER_DOWN', 1],
      ['S_FAIL', 'LOW_INVENTORY', 1],
      ['S_OK', 'CHARGER_DOWN', 1],
      ['S_OK', 'LOW_INVENTORY', 2],
    ]);
    expect(alerts).toContainEqual(
      expect.objectContaining({ alertId: alertIdFor('S_FAIL', 'LOW_INVENTORY', T0 - MINUTE) }),
    );
  });

  it('reports every record of a station whose window read fails, and only those', async () => {
    const broken = [reading('S_READ', T0, { chargedBatteries: 0 }), reading('S_READ', T0 + MINUTE)];
    const fine = [reading('S_FINE', T0, { chargedBatteries: 0 })];
    await f.writeMetrics([...broken, ...fine]);
    f.requests.reset();
    const records = [broken[0], fine[0], broken[1]].map((m) => {
      if (!m) throw new Error('fixture');
      return metricInserted(m);
    });
    f.requests.failWhen((request) =>
      request.operation === 'Query' && queriedStation(request) === 'S_READ' ? injected() : undefined,
    );

    const result = await evaluateBatch(streamEvent(records), f.deps);

    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: sequenceOf(records[0]) },
      { itemIdentifier: sequenceOf(records[2]) },
    ]);
    expect(result.counts).toEqual({ processed: 1, skipped: 0, failed: 2 });
    expect((await f.alertRows()).map((a) => a.stationId)).toEqual(['S_FINE']);
    // Nothing of S_READ was written.
    expect(f.requests.writes().filter((r) => mentions(r, 'S_READ'))).toEqual([]);
  });

  // Regression (src/adapters/dynamodb/alert-raise.ts): a merge is two writes, the occurrence count
  // (UpdateItem, condition lastSeenAt < :ts) and then the severity raise (UpdateItem). When the second
  // failed (anything but a transaction conflict: throttling past the SDK's retries, a timeout), the record
  // was reported and retried, but on the retry the count's condition failed (lastSeenAt = :ts already),
  // the merge returned `unchanged` and the severity was never raised: MEDIUM for a CRITICAL trigger.
  it('a retry after a failed severity raise still raises the severity', async () => {
    const first = reading('S_SEV', T0 - MINUTE, { chargedBatteries: 3, swapRate: 0 }); // MEDIUM
    const second = reading('S_SEV', T0, { chargedBatteries: 0, swapRate: 0 }); // CRITICAL
    await f.writeMetrics([first, second]);
    const records = [metricInserted(first), metricInserted(second)];
    let failures = 0;
    f.requests.failWhen((request) => {
      const expression = String(request.input.UpdateExpression ?? '');
      if (request.operation === 'UpdateItem' && expression.startsWith('SET severity') && failures === 0) {
        failures += 1;
        return injected();
      }
      return undefined;
    });

    const result = await evaluateBatch(streamEvent(records), f.deps);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(records[1]) }]);

    // Lambda delivers the failed record again; the table works now.
    const retry = await evaluateBatch(streamEvent([records[1] as DynamoDBRecord]), f.deps);
    expect(retry.batchItemFailures).toEqual([]);
    expect(await f.alertRows()).toEqual([
      expect.objectContaining({
        alertId: alertIdFor('S_SEV', 'LOW_INVENTORY', T0 - MINUTE),
        occurrences: 2,
        lastSeenAt: T0,
        severity: 'CRITICAL',
      }),
    ]);
  });
});
