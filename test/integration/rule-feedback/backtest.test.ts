import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../../src/cli/backtest/run';
import { suggestFor } from '../../../src/cli/backtest/suggest-run';
import { alertIdFor } from '../../../src/domain/ids';
import { DEFAULT_THRESHOLDS, parseThresholdOverrides } from '../../../src/rules';
import { createTestTables, type TestTables } from '../../support/tables';
import {
  MINUTE,
  PERIOD,
  SEPARABLE_DIPS,
  seededReadings,
  seedHistory,
  separableAlerts,
  T0,
} from './seeded-history';

let tables: TestTables;
beforeAll(async () => {
  tables = await createTestTables();
  await seedHistory(tables);
});

const everything = (): Promise<unknown[]> => everythingOf(tables);

const everythingOf = async (tables: TestTables): Promise<unknown[]> => {
  const rows: unknown[] = [];
  for (const TableName of Object.values(tables.names)) {
    const out = await tables.doc.send(new ScanCommand({ TableName, ConsistentRead: true }));
    rows.push(...(out.Items ?? []).map((item) => ({ TableName, ...item })));
  }
  return rows;
};

const backtest = (candidate: string, stations?: string[]) =>
  runBacktest({
    client: tables.client,
    metricsTable: tables.names.metrics,
    alertsTable: tables.names.alerts,
    period: PERIOD,
    current: DEFAULT_THRESHOLDS,
    candidate: parseThresholdOverrides(candidate),
    ...(stations ? { stations } : {}),
  });

describe('backtest against DynamoDB Local', () => {
  it('a stricter stock threshold removes exactly the shallow dips and names the approved one it would miss; it writes nothing', async () => {
    const before = await everything();
    const report = await backtest('{"lowInventory":{"chargedBatteries":4}}');
    expect(await everything()).toEqual(before);

    expect(report).toMatchObject({ stations: 3, readings: 180, writeUnits: 0 });
    expect(report.readUnits).toBeGreaterThan(0);
    expect(report.rules).toEqual([
      expect.objectContaining({
        alertType: 'LOW_INVENTORY',
        severity: 'MEDIUM',
        // ST-A at 10, 30, 50 and ST-B at 20; only ST-A's deep dip at 30 stays.
        current: 4,
        candidate: 1,
        removed: 3,
        added: 0,
        missedApproved: 1,
        missedApprovedAlertIds: [alertIdFor('ST-A', 'LOW_INVENTORY', T0 + 10 * MINUTE)],
        // ST-B's rejection was a DUPLICATE: it says nothing about the threshold.
        avoidedFalseAlarms: 1,
        avoidedFalseAlarmAlertIds: [alertIdFor('ST-A', 'LOW_INVENTORY', T0 + 50 * MINUTE)],
      }),
    ]);
  });

  it('reads only the stations asked for, with a Query each', async () => {
    const report = await backtest('{"lowInventory":{"chargedBatteries":4}}', ['ST-B']);
    expect(report).toMatchObject({ stations: 1, readings: 60 });
    expect(report.rules).toEqual([
      expect.objectContaining({
        current: 1,
        candidate: 0,
        removed: 1,
        missedApproved: 0,
        avoidedFalseAlarms: 0,
      }),
    ]);
  });
});

describe('rules suggest against DynamoDB Local', () => {
  it('proposes the smallest move that avoids the false alarm without missing the approved incident, and the backtest confirms it', async () => {
    const own = await createTestTables();
    await seedHistory(own, seededReadings(SEPARABLE_DIPS), separableAlerts());
    const input = {
      client: own.client,
      metricsTable: own.names.metrics,
      alertsTable: own.names.alerts,
      period: PERIOD,
    };
    const before = await everythingOf(own);
    const result = await suggestFor({ ...input, rule: 'LOW_INVENTORY', currentOverride: {} });
    expect(await everythingOf(own)).toEqual(before);

    expect(result.suggestion).toMatchObject({
      move: { section: 'lowInventory', key: 'chargedBatteries', from: 5, to: 4.5 },
      precisionBefore: 0.5,
      precisionAfter: 1,
      avoidedFalseAlarms: 1,
    });
    expect(result.override).toEqual({ lowInventory: { chargedBatteries: 4.5 } });

    // The printed override, backtested as is: nothing approved missed, the false alarm gone.
    const confirmed = await runBacktest({
      ...input,
      current: DEFAULT_THRESHOLDS,
      candidate: parseThresholdOverrides(JSON.stringify(result.override)),
    });
    expect(confirmed.rules).toEqual([
      expect.objectContaining({
        alertType: 'LOW_INVENTORY',
        removed: 1,
        missedApproved: 0,
        avoidedFalseAlarms: 1,
      }),
    ]);
  });

  it('proposes nothing when every move that avoids the false alarm misses an approved incident', async () => {
    const result = await suggestFor({
      client: tables.client,
      metricsTable: tables.names.metrics,
      alertsTable: tables.names.alerts,
      period: PERIOD,
      rule: 'LOW_INVENTORY',
      currentOverride: {},
    });
    expect(result.suggestion).toBeUndefined();
    expect(result.tried).toBeGreaterThan(0);
  });
});
