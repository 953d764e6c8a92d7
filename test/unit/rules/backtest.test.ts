import { describe, expect, it } from 'vitest';
import type { Metric } from '../../../src/domain/types';
import { compareIncidents, incidentsOf, type PastDecision } from '../../../src/rules/backtest';
import { DEFAULT_THRESHOLDS, parseThresholdOverrides } from '../../../src/rules/thresholds';
import { MINUTE, metric, T0 } from '../../support/metric-factory';

/** One reading a minute for an hour; `charged(minute)` is the stock (no swaps, so only the stock rule fires). */
const hour = (stationId: string, charged: (minute: number) => number): Metric[] =>
  Array.from({ length: 60 }, (_, minute) =>
    metric({ stationId, timestamp: T0 + minute * MINUTE, swapRate: 0, chargedBatteries: charged(minute) }),
  );

// Dips to 5 at minutes 10-11 and 50, to 3 at minutes 30-31, to 6 at minute 29.
const hovering = hour('ST-1', (m) => ({ 10: 5, 11: 5, 29: 6, 30: 3, 31: 3, 50: 5 })[m] ?? 20);
const periodEnd = T0 + 59 * MINUTE;
const stricter = parseThresholdOverrides('{"lowInventory":{"chargedBatteries":4}}');
const looser = parseThresholdOverrides('{"lowInventory":{"chargedBatteries":6}}');

const decision = (openedAtMinute: number, verdict: PastDecision['verdict']): PastDecision => ({
  alertId: `a-${openedAtMinute}`,
  stationId: 'ST-1',
  alertType: 'LOW_INVENTORY',
  severity: 'MEDIUM',
  createdAt: T0 + openedAtMinute * MINUTE,
  resolvedAt: T0 + (openedAtMinute + 7) * MINUTE,
  verdict,
});

describe('incidentsOf: the evaluator replayed in event time', () => {
  it('opens one incident per dip and ends each when the condition has cleared', () => {
    const incidents = incidentsOf(hovering, DEFAULT_THRESHOLDS);
    expect(incidents.map((i) => [i.alertType, (i.openedAt - T0) / MINUTE])).toEqual([
      ['LOW_INVENTORY', 10],
      ['LOW_INVENTORY', 30],
      ['LOW_INVENTORY', 50],
    ]);
    // A clearing period (the 5-minute window) of readings that do not meet the rule ends it.
    expect(incidents.every((i) => i.endedAt !== undefined && i.endedAt > i.openedAt)).toBe(true);
    expect(incidents[1]?.severity).toBe('MEDIUM');
  });

  it('keeps the highest severity an incident reached', () => {
    const emptied = hour('ST-2', (m) => ({ 10: 5, 11: 0 })[m] ?? 20);
    expect(incidentsOf(emptied, DEFAULT_THRESHOLDS).map((i) => i.severity)).toEqual(['CRITICAL']);
  });
});

describe('compareIncidents', () => {
  const current = incidentsOf(hovering, DEFAULT_THRESHOLDS);

  it('a stricter threshold removes the shallow dips, and names the approved one it would miss', () => {
    const decisions = [decision(10, 'APPROVED'), decision(30, 'APPROVED'), decision(50, 'FALSE_ALARM')];
    const [row, ...others] = compareIncidents(current, incidentsOf(hovering, stricter), decisions, periodEnd);
    expect(others).toEqual([]);
    expect(row).toEqual({
      alertType: 'LOW_INVENTORY',
      severity: 'MEDIUM',
      current: 3,
      candidate: 1,
      removed: 2,
      added: 0,
      earlier: 0,
      later: 0,
      medianShiftMs: 0,
      missedApproved: 1,
      avoidedFalseAlarms: 1,
      missedApprovedAlertIds: ['a-10'],
      avoidedFalseAlarmAlertIds: ['a-50'],
    });
  });

  it('a looser threshold detects the deep dip a minute earlier and adds nothing it already had', () => {
    const [row] = compareIncidents(current, incidentsOf(hovering, looser), [], periodEnd);
    expect(row).toMatchObject({ current: 3, candidate: 3, removed: 0, added: 0, earlier: 1, later: 0 });
    expect(row?.medianShiftMs).toBe(0);
  });

  it('counts what only the candidate opens as added, on another station too', () => {
    const other = hour('ST-3', (m) => (m === 40 ? 6 : 20));
    const [row] = compareIncidents(
      incidentsOf(other, DEFAULT_THRESHOLDS),
      incidentsOf(other, looser),
      [],
      periodEnd,
    );
    expect(row).toMatchObject({ current: 0, candidate: 1, removed: 0, added: 1 });
  });

  it('says nothing when the thresholds are the same', () => {
    const same = compareIncidents(current, incidentsOf(hovering, DEFAULT_THRESHOLDS), [], periodEnd);
    expect(same).toEqual([
      expect.objectContaining({ current: 3, candidate: 3, removed: 0, added: 0, earlier: 0, later: 0 }),
    ]);
  });
});
