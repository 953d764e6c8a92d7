import { readFile } from 'node:fs/promises';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertIdFor } from '../../../src/domain/ids';
import type { AlertCandidate, RaiseOutcome } from '../../../src/domain/ports';
import { localClientConfig } from '../../../src/local/dynamodb-local';
import { evaluateBatch } from '../../../src/streams/evaluate-batch';
import { CAPTURE_T0, captureScenario, fixturePath, SCENARIOS } from '../../fixtures/streams/capture';
import { createEvaluatorFixture, type EvaluatorFixture, MINUTE } from './support';

const loadFixture = async (name: string): Promise<DynamoDBStreamEvent> =>
  JSON.parse(await readFile(fixturePath(name), 'utf8')) as DynamoDBStreamEvent;

const sequenceOf = (record: DynamoDBRecord | undefined): string => {
  const sequence = record?.dynamodb?.SequenceNumber;
  if (!sequence) throw new Error('record without a sequence number');
  return sequence;
};

/** What differs between two captures of the same writes. */
const stable = (record: DynamoDBRecord) => {
  const { eventID: _id, eventSourceARN: _arn, dynamodb, ...rest } = record;
  const { SequenceNumber: _seq, ApproximateCreationDateTime: _created, ...data } = dynamodb ?? {};
  return { ...rest, dynamodb: data };
};

const outcomesOf = () => {
  const outcomes: { kind: RaiseOutcome['kind']; alertType: string; sequence: string }[] = [];
  return {
    outcomes,
    hooks: {
      onAlert: (outcome: RaiseOutcome, candidate: AlertCandidate, sequence: string) =>
        outcomes.push({ kind: outcome.kind, alertType: candidate.alertType, sequence }),
    },
  };
};

const T0 = CAPTURE_T0;

describe('the evaluator replaying events captured from DynamoDB Local’s stream', () => {
  let f: EvaluatorFixture;

  beforeEach(async () => {
    f = await createEvaluatorFixture();
  });

  afterEach(() => f.close());

  /** The fixture's metrics in the table (the evaluator reads the window from it), then the batch. */
  const replay = async (name: string) => {
    const event = await loadFixture(name);
    await f.applyToMetricsTable(event.Records);
    f.requests.reset();
    const { outcomes, hooks } = outcomesOf();
    const result = await evaluateBatch(event, f.deps, hooks);
    return { event, result, outcomes };
  };

  it('metrics-low-inventory: one LOW_INVENTORY alert, the second trigger merged and the severity raised', async () => {
    const { event, result, outcomes } = await replay('metrics-low-inventory');

    expect(event.Records.map((r) => r.eventName)).toEqual(['INSERT', 'INSERT', 'INSERT']);
    expect(result).toEqual({
      batchItemFailures: [],
      counts: { processed: 3, skipped: 0, failed: 0 },
      stationsRead: 1,
    });
    expect(outcomes.map((o) => o.kind)).toEqual(['created', 'merged']);
    expect(f.requests.queriedStations()).toEqual(['STATION_FX_LOW']);
    expect(await f.alertRows()).toEqual([
      expect.objectContaining({
        alertId: alertIdFor('STATION_FX_LOW', 'LOW_INVENTORY', T0 - MINUTE),
        stationId: 'STATION_FX_LOW',
        alertType: 'LOW_INVENTORY',
        status: 'PENDING',
        severity: 'CRITICAL',
        occurrences: 2,
        createdAt: T0 - MINUTE,
        lastSeenAt: T0,
        // The CRITICAL trigger raised the severity, so the alert now cites its readings.
        metadata: {
          thresholds: { chargedBatteries: 5, depletionHours: 1 },
          observed: expect.objectContaining({ chargedBatteries: 0, hoursOfStockLeft: 0 }),
          triggeringTimestamps: [T0],
        },
      }),
    ]);
  });

  it('metrics-two-stations: each station read once, its alerts raised, the other station unaffected', async () => {
    const { result, outcomes } = await replay('metrics-two-stations');

    expect(result).toEqual({
      batchItemFailures: [],
      counts: { processed: 6, skipped: 0, failed: 0 },
      stationsRead: 2,
    });
    expect(f.requests.queriedStations().sort()).toEqual(['STATION_FX_CHG', 'STATION_FX_FLT']);
    expect(outcomes.map((o) => [o.alertType, o.kind]).sort()).toEqual([
      ['CHARGER_DOWN', 'created'],
      ['CHARGER_DOWN', 'merged'],
      ['FAULT_PATTERN', 'created'],
    ]);
    const alerts = await f.alertRows();
    expect(alerts).toHaveLength(2);
    expect(alerts).toContainEqual(
      expect.objectContaining({
        alertId: alertIdFor('STATION_FX_CHG', 'CHARGER_DOWN', T0 - MINUTE),
        severity: 'CRITICAL',
        status: 'PENDING',
        occurrences: 2,
        createdAt: T0 - MINUTE,
        lastSeenAt: T0,
        // Raised to CRITICAL by the `down` reading at T0, which the alert now cites.
        metadata: expect.objectContaining({ triggeringTimestamps: [T0] }),
      }),
    );
    expect(alerts).toContainEqual(
      expect.objectContaining({
        alertId: alertIdFor('STATION_FX_FLT', 'FAULT_PATTERN', T0),
        severity: 'HIGH',
        status: 'PENDING',
        occurrences: 1,
        metadata: expect.objectContaining({
          observed: expect.objectContaining({ faultPattern: 'F_DOOR_SENSOR', records: 3, windowRecords: 3 }),
          triggeringTimestamps: [T0 - 2 * MINUTE, T0 - MINUTE, T0],
        }),
      }),
    );
  });

  it('metrics-modify-remove: a MODIFY is evaluated on its own image, a REMOVE skipped and counted', async () => {
    const { event, result, outcomes } = await replay('metrics-modify-remove');

    expect(event.Records.map((r) => r.eventName)).toEqual(['INSERT', 'INSERT', 'MODIFY', 'REMOVE']);
    expect(result).toEqual({
      batchItemFailures: [],
      counts: { processed: 3, skipped: 1, failed: 0 },
      stationsRead: 1,
    });
    // The INSERT of T0 carried a well-stocked reading: it must not fire although the stored row (the
    // MODIFY's image) would. The alert comes from the MODIFY record.
    expect(outcomes).toEqual([
      { kind: 'created', alertType: 'LOW_INVENTORY', sequence: sequenceOf(event.Records[2]) },
    ]);
    expect(await f.alertRows()).toEqual([
      expect.objectContaining({
        alertId: alertIdFor('STATION_FX_MOD', 'LOW_INVENTORY', T0),
        severity: 'MEDIUM',
        occurrences: 1,
        metadata: expect.objectContaining({
          observed: { chargedBatteries: 1, unchargedBatteries: 4, swapRate: 0, hoursOfStockLeft: null },
        }),
      }),
    ]);
  });

  it('replaying a captured batch again changes nothing', async () => {
    const { event } = await replay('metrics-two-stations');
    const before = await f.scanAlertsTable();
    const { outcomes, hooks } = outcomesOf();

    const again = await evaluateBatch(event, f.deps, hooks);

    expect(again.batchItemFailures).toEqual([]);
    expect(outcomes.map((o) => o.kind)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(await f.scanAlertsTable()).toEqual(before);
  });
});

describe('the committed fixtures', () => {
  it('match a fresh capture of their scenario, and the live capture evaluates like the fixture', async () => {
    for (const [name, steps] of Object.entries(SCENARIOS)) {
      const f = await createEvaluatorFixture();
      const streams = new DynamoDBStreamsClient(localClientConfig(f.tables.endpoint));
      try {
        // Written to the metrics table the evaluator reads: the real order of things.
        const captured = await captureScenario(
          f.tables.client,
          f.tables.doc,
          streams,
          f.tables.names.metrics,
          steps,
        );
        const fixture = await loadFixture(name);
        expect(captured.map(stable), name).toEqual(fixture.Records.map(stable));

        const live = await evaluateBatch({ Records: captured }, f.deps);
        const liveAlerts = await f.alertRows();

        const g = await createEvaluatorFixture();
        try {
          await g.applyToMetricsTable(fixture.Records);
          const replayed = await evaluateBatch(fixture, g.deps);
          expect(replayed.counts, name).toEqual(live.counts);
          const comparable = (rows: Record<string, unknown>[]) =>
            rows.map(({ updatedAt: _wallClock, ...row }) => row);
          expect(comparable(await g.alertRows()), name).toEqual(comparable(liveAlerts));
        } finally {
          g.close();
        }
      } finally {
        streams.destroy();
        f.close();
      }
    }
  });
});
