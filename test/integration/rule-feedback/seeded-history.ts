import { DynamoAlertStore } from '../../../src/adapters/dynamodb/alert-store';
import { DynamoMetricStore } from '../../../src/adapters/dynamodb/metric-store';
import { alertIdFor } from '../../../src/domain/ids';
import type { Alert, Metric } from '../../../src/domain/types';
import { metric } from '../../support/metric-factory';
import type { TestTables } from '../../support/tables';
import { alertFixture } from '../adapters/fixtures';

export const MINUTE = 60_000;
/** Two days ago on a whole minute: inside the metrics' retention, whenever the test runs. */
export const T0 = Math.floor((Date.now() - 2 * 86_400_000) / MINUTE) * MINUTE;
export const PERIOD = { from: T0, to: T0 + 59 * MINUTE };

/**
 * An hour of readings, one a minute, of stations hovering around the stock threshold (5 by default; no
 * swaps, so only LOW_INVENTORY fires): ST-A dips to 5 at minutes 10-11 and 50 and to 3 at minutes 30-31;
 * ST-B dips to 5 at minute 20; ST-C never dips.
 */
const DIPS: Record<string, Record<number, number>> = {
  'ST-A': { 10: 5, 11: 5, 30: 3, 31: 3, 50: 5 },
  'ST-B': { 20: 5 },
  'ST-C': {},
};

export const seededReadings = (dips: Record<string, Record<number, number>> = DIPS): Metric[] =>
  Object.entries(dips).flatMap(([stationId, dips]) =>
    Array.from({ length: 60 }, (_, minute) =>
      metric({
        stationId,
        timestamp: T0 + minute * MINUTE,
        swapRate: 0,
        chargedBatteries: dips[minute] ?? 20,
      }),
    ),
  );

/** The alert an incident opened at `minute` became, decided as given (resolved 7 minutes later). */
const decided = (stationId: string, minute: number, decision: Partial<Alert>): Alert =>
  alertFixture({
    alertId: alertIdFor(stationId, 'LOW_INVENTORY', T0 + minute * MINUTE),
    stationId,
    alertType: 'LOW_INVENTORY',
    severity: 'MEDIUM',
    createdAt: T0 + minute * MINUTE,
    lastSeenAt: T0 + (minute + 1) * MINUTE,
    updatedAt: T0 + (minute + 3) * MINUTE,
    resolvedAt: T0 + (minute + 7) * MINUTE,
    resolvedBy: 'system',
    ...decision,
  });

const approved = { status: 'APPROVED', approvedAt: T0, approvedBy: 'alice' } as const;
const falseAlarm = {
  status: 'REJECTED',
  rejectedAt: T0,
  rejectedBy: 'bob',
  rejectionReason: 'sensor glitch',
  rejectionCode: 'FALSE_ALARM',
} as const;

/** What operators decided: ST-A's first shallow dip was real, its last a false alarm; ST-B's a duplicate. */
export const seededAlerts = (): Alert[] => [
  decided('ST-A', 10, approved),
  decided('ST-A', 30, approved),
  decided('ST-A', 50, falseAlarm),
  decided('ST-B', 20, { ...falseAlarm, rejectionCode: 'DUPLICATE' }),
];

/** A second history where the false alarm can be told apart: the approved dip goes deeper (to 3). */
export const SEPARABLE_DIPS: Record<string, Record<number, number>> = { 'ST-A': { 10: 3, 11: 3, 50: 5 } };
export const separableAlerts = (): Alert[] => [
  decided('ST-A', 10, approved),
  decided('ST-A', 50, falseAlarm),
];

export const seedHistory = async (
  tables: TestTables,
  readings: Metric[] = seededReadings(),
  alerts: Alert[] = seededAlerts(),
): Promise<{ readings: Metric[]; alerts: Alert[] }> => {
  await new DynamoMetricStore({ doc: tables.doc, tableName: tables.names.metrics }).putMany(readings);
  const store = new DynamoAlertStore({ doc: tables.doc, tableName: tables.names.alerts });
  for (const alert of alerts) await store.create(alert);
  return { readings, alerts };
};
