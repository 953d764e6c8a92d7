import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { handler } from '../../handlers/plan-remediation';
import { ValidationError } from '../../src/domain/errors';
import {
  MAX_BATTERIES_PER_RUN,
  MAX_EXTRA_ATTENDANTS,
  MAX_SURGE_MULTIPLIER,
  nearestStockedStation,
  rebalanceBatteriesPlan,
  remoteDiagnosticsPlan,
  surgeResponsePlan,
  technicianWorkOrderPlan,
} from '../../src/domain/remediation';
import type { Severity } from '../../src/domain/types';
import { lambdaContext } from '../../src/local/lambda-context';
import { planRemediation } from '../../src/use-cases/plan-remediation';
import { approvedAlert } from './workflow/fixtures';

const withObserved = (observed: Record<string, unknown>, thresholds: Record<string, number> = {}) => ({
  observed,
  thresholds,
  triggeringTimestamps: [1],
});

const validationIssues = (run: () => unknown): { path: string; message: string }[] => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
};

describe('nearestStockedStation (placeholder)', () => {
  it('is the numeric neighbour, keeping the padding, else a depot', () => {
    expect(nearestStockedStation('ST-007')).toBe('ST-008');
    expect(nearestStockedStation('ST-099')).toBe('ST-100');
    expect(nearestStockedStation('station9')).toBe('station10');
    expect(nearestStockedStation('downtown')).toBe('downtown-DEPOT');
  });
});

describe('LOW_INVENTORY: rebalance batteries', () => {
  it('moves enough to cover two hours of swaps from the observed stock and rate', () => {
    const plan = rebalanceBatteriesPlan(approvedAlert('LOW_INVENTORY'));
    // 12 swaps/h for 2 h = 24 wanted, 2 on site.
    expect(plan).toMatchObject({
      action: 'REBALANCE_BATTERIES',
      sourceStationId: 'ST-008',
      destinationStationId: 'ST-007',
      batteriesToMove: 22,
      deadlineMinutes: 60,
      basis: 'OBSERVED',
    });
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(plan.summary).toContain('22');
  });

  it('at least clears the count threshold when nothing is swapping', () => {
    const alert = approvedAlert('LOW_INVENTORY', {
      metadata: withObserved({ chargedBatteries: 3, swapRate: 0 }, { chargedBatteries: 5 }),
    });
    expect(rebalanceBatteriesPlan(alert).batteriesToMove).toBe(3);
  });

  it('caps a run at one van and reads a flat metadata map too', () => {
    const alert = approvedAlert('LOW_INVENTORY', { metadata: { chargedBatteries: 0, swapRate: 100 } });
    expect(rebalanceBatteriesPlan(alert).batteriesToMove).toBe(MAX_BATTERIES_PER_RUN);
  });

  it.each<[Severity, number, number]>([
    ['LOW', 5, 240],
    ['MEDIUM', 10, 120],
    ['HIGH', 15, 60],
    ['CRITICAL', 20, 30],
  ])('without observed stock, %s moves %i within %i minutes', (severity, batteries, deadline) => {
    const plan = rebalanceBatteriesPlan(approvedAlert('LOW_INVENTORY', { severity, metadata: {} }));
    expect(plan).toMatchObject({
      batteriesToMove: batteries,
      deadlineMinutes: deadline,
      basis: 'SEVERITY_DEFAULT',
    });
  });
});

describe('CHARGER_DOWN: technician work order', () => {
  it.each<[Severity, string, number, boolean]>([
    ['CRITICAL', 'P1', 120, true],
    ['HIGH', 'P2', 240, true],
    ['MEDIUM', 'P3', 480, false],
    ['LOW', 'P4', 1440, false],
  ])('%s is %s with an SLA of %i minutes', (severity, priority, slaMinutes, redirectRiders) => {
    const plan = technicianWorkOrderPlan(approvedAlert('CHARGER_DOWN', { severity }));
    expect(plan.workOrder).toEqual({
      workOrderId: 'WO-alert-charger-down',
      priority,
      slaMinutes,
      chargerHealth: 'down',
      chargerUptimePercent: 42,
    });
    expect(plan.redirectRiders).toBe(redirectRiders);
    expect(plan.steps.some((step) => step.startsWith('Redirect riders'))).toBe(redirectRiders);
  });

  it('leaves charger facts null when the alert does not carry them', () => {
    const plan = technicianWorkOrderPlan(approvedAlert('CHARGER_DOWN', { metadata: {} }));
    expect(plan.workOrder).toMatchObject({ chargerHealth: null, chargerUptimePercent: null });
  });
});

describe('HIGH_DEMAND: surge staffing and pricing', () => {
  it('sizes staff and price from the newest observed rate against the threshold', () => {
    // 54/h against 30/h: 24 extra swaps -> 2 attendants; x(1 + 0.8 * 0.5) = 1.4.
    const plan = surgeResponsePlan(approvedAlert('HIGH_DEMAND'));
    expect(plan).toMatchObject({
      action: 'SURGE_RESPONSE',
      extraAttendants: 2,
      surgePriceMultiplier: 1.4,
      durationMinutes: 90,
      basis: 'OBSERVED',
    });
  });

  it('caps the surge multiplier and the extra staff', () => {
    const alert = approvedAlert('HIGH_DEMAND', {
      metadata: withObserved({ swapRate: 500 }, { swapRatePerHour: 30 }),
    });
    const plan = surgeResponsePlan(alert);
    expect(plan.surgePriceMultiplier).toBe(MAX_SURGE_MULTIPLIER);
    expect(plan.extraAttendants).toBe(MAX_EXTRA_ATTENDANTS);
  });

  it('falls back to the severity when the rate says nothing about the surge', () => {
    const alert = approvedAlert('HIGH_DEMAND', {
      severity: 'CRITICAL',
      metadata: withObserved({ swapRate: 10 }),
    });
    expect(surgeResponsePlan(alert)).toMatchObject({
      extraAttendants: 3,
      surgePriceMultiplier: 1.5,
      durationMinutes: 120,
      basis: 'SEVERITY_DEFAULT',
    });
  });
});

describe('FAULT_PATTERN: remote diagnostics', () => {
  it('diagnoses the named fault first and keeps the others as related', () => {
    const plan = remoteDiagnosticsPlan(approvedAlert('FAULT_PATTERN'));
    expect(plan).toMatchObject({
      action: 'REMOTE_DIAGNOSTICS',
      faultId: 'E42_OVERHEAT',
      relatedFaults: ['E17_CONTACTOR'],
      escalateAfterMinutes: 60,
    });
    expect(plan.diagnostics).toContain('RUN_SELF_TEST');
  });

  it('accepts the fault list alone', () => {
    const alert = approvedAlert('FAULT_PATTERN', { metadata: withObserved({ faultPatterns: ['E9'] }) });
    expect(remoteDiagnosticsPlan(alert)).toMatchObject({ faultId: 'E9', relatedFaults: [] });
  });
});

describe('planRemediation (use case)', () => {
  it('builds the plan of the requested type and is deterministic', () => {
    const alert = approvedAlert('LOW_INVENTORY');
    const first = planRemediation({ planType: 'LOW_INVENTORY', alert });
    expect(first).toEqual(planRemediation({ planType: 'LOW_INVENTORY', alert }));
    expect(first.planType).toBe('LOW_INVENTORY');
  });

  it('names every wrong field of a malformed alert', () => {
    const issues = validationIssues(() =>
      planRemediation({
        planType: 'LOW_INVENTORY',
        alert: { ...approvedAlert('LOW_INVENTORY'), stationId: ' ', severity: 'URGENT', metadata: 'x' },
      }),
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'alert.metadata',
      'alert.severity',
      'alert.stationId',
    ]);
  });

  it('refuses an unknown plan type, a type mismatch, a non-approved alert and a missing alert', () => {
    const alert = approvedAlert('CHARGER_DOWN');
    expect(validationIssues(() => planRemediation({ planType: 'REBOOT', alert }))[0]?.path).toBe('planType');
    expect(validationIssues(() => planRemediation({ planType: 'HIGH_DEMAND', alert }))[0]).toEqual({
      path: 'planType',
      message: 'is HIGH_DEMAND but the alert is CHARGER_DOWN',
    });
    expect(
      validationIssues(() =>
        planRemediation({ planType: 'CHARGER_DOWN', alert: { ...alert, status: 'REJECTED' } }),
      ),
    ).toEqual([{ path: 'alert.status', message: 'must be APPROVED: only approved alerts are remediated' }]);
    expect(validationIssues(() => planRemediation({ planType: 'CHARGER_DOWN', alert: null }))[0]?.path).toBe(
      'alert',
    );
  });

  it('turns a FAULT_PATTERN alert without a fault id into a ValidationError on that field', () => {
    const alert = approvedAlert('FAULT_PATTERN', { metadata: withObserved({}) });
    expect(validationIssues(() => planRemediation({ planType: 'FAULT_PATTERN', alert }))[0]?.path).toBe(
      'alert.metadata.observed.faultPattern',
    );
  });
});

describe('plan-remediation handler', () => {
  it('returns the plan and the same plan as a DynamoDB map attribute', async () => {
    const result = await handler(
      { planType: 'HIGH_DEMAND', alert: approvedAlert('HIGH_DEMAND') },
      lambdaContext('planRemediation'),
    );
    expect(unmarshall(result.planAttribute.M)).toEqual(result.plan);
  });

  it('rejects a malformed event', async () => {
    await expect(
      handler({ planType: 'HIGH_DEMAND', alert: {} }, lambdaContext('planRemediation')),
    ).rejects.toThrow(ValidationError);
  });
});
