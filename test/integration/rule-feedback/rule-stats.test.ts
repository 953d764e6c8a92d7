import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { alertsOf } from '../../../src/adapters/dynamodb/alert-item';
import { DynamoAlertStore } from '../../../src/adapters/dynamodb/alert-store';
import { DynamoAuditStore } from '../../../src/adapters/dynamodb/audit-store';
import { DynamoMetricStore } from '../../../src/adapters/dynamodb/metric-store';
import { DynamoRuleStatsStore } from '../../../src/adapters/dynamodb/rule-stats-store';
import type { Alert, Metric } from '../../../src/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../src/rules';
import { type AlertChange, dispatchAlertChange } from '../../../src/use-cases/dispatch-alert-change';
import { evaluateStation } from '../../../src/use-cases/evaluate-metrics';
import { ruleStats } from '../../../src/use-cases/query-rule-stats';
import { createTestTables, type TestTables } from '../../support/tables';
import { fakes } from '../../unit/dispatch/fakes';
import { MINUTE, SEPARABLE_DIPS, seededReadings, T0 } from './seeded-history';

/**
 * Rule statistics kept from the alerts stream, against DynamoDB Local: the evaluator and operators
 * write alerts, every change of the alerts table is captured as its stream would carry it, and the
 * dispatcher counts them. Then both streams are replayed: the readings through the evaluator, the alert
 * changes through the dispatcher. The statistics must not move.
 */

let t: TestTables;
let alerts: DynamoAlertStore;
let stats: DynamoRuleStatsStore;
const changes: AlertChange[] = [];
let readings: Metric[];

const alertsNow = async (): Promise<Map<string, Alert>> => {
  const out = await t.doc.send(new ScanCommand({ TableName: t.names.alerts, ConsistentRead: true }));
  return new Map(alertsOf(t.names.alerts, out.Items ?? []).map((alert) => [alert.alertId, alert]));
};

/** Runs `step`, then records what it changed in the alerts table as stream records would. */
const captured = async (step: () => Promise<unknown>): Promise<void> => {
  const before = await alertsNow();
  await step();
  for (const [alertId, alert] of await alertsNow()) {
    const old = before.get(alertId);
    if (old && JSON.stringify(old) === JSON.stringify(alert)) continue;
    changes.push({
      eventName: old ? 'MODIFY' : 'INSERT',
      newImage: { ...alert },
      ...(old ? { oldImage: { ...old } } : {}),
      sequenceNumber: String(changes.length + 1).padStart(8, '0'),
    });
  }
};

const evaluate = (from: number, to: number) =>
  evaluateStation(
    'ST-A',
    readings
      .filter((r) => r.timestamp >= T0 + from * MINUTE && r.timestamp <= T0 + to * MINUTE)
      .map((metric, i) => ({ sequenceNumber: String(i), metric })),
    {
      metrics: new DynamoMetricStore({ doc: t.doc, tableName: t.names.metrics }),
      alerts,
      clock: { now: () => T0 },
      thresholds: DEFAULT_THRESHOLDS,
    },
  );

const openAlert = async (): Promise<Alert> => {
  const open = [...(await alertsNow()).values()].find((alert) => alert.resolvedAt === undefined);
  if (!open) throw new Error('no open alert');
  return open;
};

const dispatchAll = async () => {
  const f = fakes();
  const deps = {
    ...f.deps,
    audit: new DynamoAuditStore({ doc: t.doc, tableName: t.names.audit }),
    ruleStats: stats,
  };
  for (const change of changes) await dispatchAlertChange(change, deps);
};

const statsNow = () =>
  ruleStats(
    { from: String(T0 - 86_400_000), to: String(T0 + 86_400_000) },
    { ruleStats: stats, clock: { now: () => Date.now() } },
  );

beforeAll(async () => {
  t = await createTestTables();
  alerts = new DynamoAlertStore({ doc: t.doc, tableName: t.names.alerts });
  stats = new DynamoRuleStatsStore({ doc: t.doc, tableName: t.names.audit });
  // ST-A dips to 3 at minutes 10-11 (approved) and to 5 at minute 50 (nobody decides); a dip at 30 is
  // added here and rejected as a false alarm.
  readings = seededReadings({ 'ST-A': { ...SEPARABLE_DIPS['ST-A'], 30: 5 } }).filter(
    (r) => r.stationId === 'ST-A',
  );
  await new DynamoMetricStore({ doc: t.doc, tableName: t.names.metrics }).putMany(readings);

  await captured(() => evaluate(0, 12));
  await captured(async () =>
    alerts.decide((await openAlert()).alertId, { kind: 'approve', by: 'alice', at: T0 + 13 * MINUTE }),
  );
  await captured(() => evaluate(13, 31));
  await captured(async () =>
    alerts.decide((await openAlert()).alertId, {
      kind: 'reject',
      by: 'bob',
      at: T0 + 33 * MINUTE,
      reason: 'glitch',
      code: 'FALSE_ALARM',
    }),
  );
  await captured(() => evaluate(32, 52));
  await captured(() => evaluate(53, 59));
  await dispatchAll();
});

describe('rule statistics kept from the alerts stream (DynamoDB Local)', () => {
  it('counts what the evaluator and the operators did', async () => {
    const { rules } = await statsNow();
    expect(rules).toEqual([
      {
        alertType: 'LOW_INVENTORY',
        severity: 'MEDIUM',
        opened: 3,
        approved: 1,
        rejected: { FALSE_ALARM: 1, ALREADY_HANDLED: 0, DUPLICATE: 0, MAINTENANCE: 0, OTHER: 0 },
        resolvedUndecided: 1,
        // Decided 3 minutes after it opened; recovered (cleared at minute 17) 4 minutes after approval.
        medianTimeToDecideMs: expect.any(Number),
        medianTimeToRecoverMs: expect.any(Number),
        precision: 0.5,
      },
    ]);
    expect(rules[0]?.medianTimeToDecideMs).toBeGreaterThanOrEqual(3 * MINUTE);
    expect(rules[0]?.medianTimeToDecideMs).toBeLessThan(3 * MINUTE * 1.19);
  });

  it('does not move when both streams are replayed: readings through the evaluator, changes through the dispatcher', async () => {
    const before = await statsNow();
    const alertsBefore = await alertsNow();
    await evaluate(0, 59);
    // The evaluator's replay changes no alert, so the alerts stream would carry nothing new...
    expect(await alertsNow()).toEqual(alertsBefore);
    // ...and the alerts stream's own replay (every record again, then a partial redelivery) counts nothing.
    await dispatchAll();
    const tail = changes.slice(-3);
    const f = fakes();
    for (const change of tail)
      await dispatchAlertChange(change, {
        ...f.deps,
        audit: new DynamoAuditStore({ doc: t.doc, tableName: t.names.audit }),
        ruleStats: stats,
      });
    expect(await statsNow()).toEqual(before);
  });
});
