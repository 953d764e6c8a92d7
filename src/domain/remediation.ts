import { limitsOf, observedOf } from './rule-metadata';
import type { Alert, AlertType, Severity } from './types';

/**
 * Concrete remediation plans, one per alert type. Pure and deterministic: the plan depends only on the
 * alert, so a retried or replayed workflow step produces the same plan (no clock, no randomness).
 */

/** The workflow picks the plan by alert type, so a plan type is an alert type. */
export type PlanType = AlertType;

/** The alert fields a plan is built from (the rest of the alert does not influence the plan). */
export type PlannableAlert = Pick<Alert, 'alertId' | 'stationId' | 'alertType' | 'severity' | 'metadata'>;

interface PlanBase<T extends PlanType, A extends string> {
  planType: T;
  action: A;
  alertId: string;
  stationId: string;
  severity: Severity;
  /** One line an operator reads in the notification. */
  summary: string;
  steps: string[];
}

/** Where a computed quantity came from: the alert's observed metrics, or the severity default. */
export type PlanBasis = 'OBSERVED' | 'SEVERITY_DEFAULT';

export interface RebalanceBatteriesPlan extends PlanBase<'LOW_INVENTORY', 'REBALANCE_BATTERIES'> {
  sourceStationId: string;
  destinationStationId: string;
  batteriesToMove: number;
  deadlineMinutes: number;
  basis: PlanBasis;
}

export type WorkOrderPriority = 'P1' | 'P2' | 'P3' | 'P4';

export interface TechnicianWorkOrderPlan extends PlanBase<'CHARGER_DOWN', 'DISPATCH_TECHNICIAN'> {
  workOrder: {
    /** Derived from the alert id, so a retried step opens the same work order, not a second one. */
    workOrderId: string;
    priority: WorkOrderPriority;
    slaMinutes: number;
    chargerHealth: string | null;
    chargerUptimePercent: number | null;
  };
  redirectRiders: boolean;
}

export interface SurgeResponsePlan extends PlanBase<'HIGH_DEMAND', 'SURGE_RESPONSE'> {
  extraAttendants: number;
  surgePriceMultiplier: number;
  durationMinutes: number;
  basis: PlanBasis;
}

export interface RemoteDiagnosticsPlan extends PlanBase<'FAULT_PATTERN', 'REMOTE_DIAGNOSTICS'> {
  faultId: string;
  relatedFaults: string[];
  diagnostics: string[];
  escalateAfterMinutes: number;
}

export interface RestoreConnectivityPlan extends PlanBase<'STATION_OFFLINE', 'RESTORE_CONNECTIVITY'> {
  /** Derived from the alert id, so a retried step opens the same site visit, not a second one. */
  siteVisitId: string;
  /** Riders are sent elsewhere once the silence is long enough to be CRITICAL. */
  redirectRiders: boolean;
}

export type RemediationPlan =
  | RebalanceBatteriesPlan
  | TechnicianWorkOrderPlan
  | SurgeResponsePlan
  | RemoteDiagnosticsPlan
  | RestoreConnectivityPlan;

/** Thrown when an alert lacks what its plan needs (e.g. a FAULT_PATTERN alert without a fault id). */
export class UnplannableAlertError extends Error {
  constructor(
    message: string,
    /** Dotted path of the missing or wrong field, relative to the alert. */
    readonly path: string,
  ) {
    super(message);
    this.name = 'UnplannableAlertError';
  }
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

// --- LOW_INVENTORY

/** Hours of demand a rebalancing run should cover, so the station is not short again within the shift. */
export const REBALANCE_COVERAGE_HOURS = 2;
/** What one van carries. */
export const MAX_BATTERIES_PER_RUN = 40;
/** The rule engine's default threshold (src/rules/thresholds.ts), used when the alert does not carry it. */
const DEFAULT_MIN_CHARGED = 5;

const REBALANCE_DEADLINE_MINUTES: Record<Severity, number> = {
  LOW: 240,
  MEDIUM: 120,
  HIGH: 60,
  CRITICAL: 30,
};
const DEFAULT_BATTERIES_TO_MOVE: Record<Severity, number> = { LOW: 5, MEDIUM: 10, HIGH: 15, CRITICAL: 20 };

/**
 * PLACEHOLDER: there is no station directory or geodata yet, so the "nearest stocked station" is derived
 * deterministically from the station id: the numeric neighbour (ST-007 -> ST-008), else a regional depot.
 * Replace with a lookup port (stations by distance with stock) when one exists.
 */
export const nearestStockedStation = (stationId: string): string => {
  const match = /^(.*?)(\d+)$/.exec(stationId);
  if (!match) return `${stationId}-DEPOT`;
  const [, prefix = '', digits = ''] = match;
  return `${prefix}${String(Number(digits) + 1).padStart(digits.length, '0')}`;
};

/**
 * Enough to clear the alert and cover REBALANCE_COVERAGE_HOURS of swaps: above the count threshold and
 * above the depletion horizon, minus what is already charged on site.
 */
const batteriesNeeded = (alert: PlannableAlert): number | undefined => {
  const observed = observedOf('LOW_INVENTORY', alert.metadata);
  const limits = limitsOf('LOW_INVENTORY', alert.metadata);
  const charged = observed.chargedBatteries;
  if (charged === undefined) return undefined;
  const swapRate = Math.max(0, observed.swapRate ?? 0);
  const minCharged = limits.chargedBatteries ?? DEFAULT_MIN_CHARGED;
  const hours = Math.max(REBALANCE_COVERAGE_HOURS, limits.depletionHours ?? 0);
  const target = Math.max(Math.floor(minCharged) + 1, Math.ceil(swapRate * hours));
  return clamp(target - Math.max(0, charged), 1, MAX_BATTERIES_PER_RUN);
};

export const rebalanceBatteriesPlan = (alert: PlannableAlert): RebalanceBatteriesPlan => {
  const needed = batteriesNeeded(alert);
  const batteriesToMove = needed ?? DEFAULT_BATTERIES_TO_MOVE[alert.severity];
  const source = nearestStockedStation(alert.stationId);
  const deadlineMinutes = REBALANCE_DEADLINE_MINUTES[alert.severity];
  return {
    planType: 'LOW_INVENTORY',
    action: 'REBALANCE_BATTERIES',
    alertId: alert.alertId,
    stationId: alert.stationId,
    severity: alert.severity,
    summary: `Move ${batteriesToMove} charged batteries from ${source} to ${alert.stationId} within ${deadlineMinutes} minutes.`,
    steps: [
      `Reserve ${batteriesToMove} charged batteries at ${source}.`,
      `Dispatch a rebalancing van from ${source} to ${alert.stationId}.`,
      `Load the batteries into ${alert.stationId} and confirm the charged count.`,
      `Move depleted batteries from ${alert.stationId} back to ${source} for charging.`,
    ],
    sourceStationId: source,
    destinationStationId: alert.stationId,
    batteriesToMove,
    deadlineMinutes,
    basis: needed === undefined ? 'SEVERITY_DEFAULT' : 'OBSERVED',
  };
};

// --- CHARGER_DOWN

const WORK_ORDER: Record<Severity, { priority: WorkOrderPriority; slaMinutes: number }> = {
  CRITICAL: { priority: 'P1', slaMinutes: 120 },
  HIGH: { priority: 'P2', slaMinutes: 240 },
  MEDIUM: { priority: 'P3', slaMinutes: 480 },
  LOW: { priority: 'P4', slaMinutes: 1440 },
};

export const technicianWorkOrderPlan = (alert: PlannableAlert): TechnicianWorkOrderPlan => {
  const { priority, slaMinutes } = WORK_ORDER[alert.severity];
  const observed = observedOf('CHARGER_DOWN', alert.metadata);
  const uptime = observed.chargerUptime ?? observed.minChargerUptime ?? observed.chargerUptimePercent;
  // Riders are sent elsewhere only when the outage leaves the station unable to serve them.
  const redirectRiders = alert.severity === 'HIGH' || alert.severity === 'CRITICAL';
  const workOrderId = `WO-${alert.alertId}`;
  return {
    planType: 'CHARGER_DOWN',
    action: 'DISPATCH_TECHNICIAN',
    alertId: alert.alertId,
    stationId: alert.stationId,
    severity: alert.severity,
    summary: `${priority} technician work order ${workOrderId} for ${alert.stationId}, on site within ${slaMinutes} minutes.`,
    steps: [
      `Open work order ${workOrderId} (${priority}) and assign the nearest available technician.`,
      `Take the failed charger at ${alert.stationId} out of rotation.`,
      ...(redirectRiders
        ? [`Redirect riders from ${alert.stationId} to nearby stations until repaired.`]
        : []),
      'Repair or replace the charger and run a charging self-test.',
      'Close the work order once uptime is back above the alert threshold.',
    ],
    workOrder: {
      workOrderId,
      priority,
      slaMinutes,
      chargerHealth: observed.chargerHealth ?? null,
      chargerUptimePercent: uptime ?? null,
    },
    redirectRiders,
  };
};

// --- HIGH_DEMAND

/** Consumer protection: surge pricing never goes above +50%. */
export const MAX_SURGE_MULTIPLIER = 1.5;
const MIN_SURGE_MULTIPLIER = 1.1;
/** Half of the excess demand is priced in; the rest is absorbed by the extra staff. */
const SURGE_PRICE_ELASTICITY = 0.5;
/** Swaps one attendant handles per hour. */
export const SWAPS_PER_ATTENDANT_HOUR = 15;
export const MAX_EXTRA_ATTENDANTS = 4;
/** The rule engine's default sustained-rate threshold (src/rules/thresholds.ts). */
const DEFAULT_BASELINE_SWAP_RATE = 30;

const SURGE_DEFAULTS: Record<
  Severity,
  { extraAttendants: number; multiplier: number; durationMinutes: number }
> = {
  LOW: { extraAttendants: 1, multiplier: 1.1, durationMinutes: 60 },
  MEDIUM: { extraAttendants: 1, multiplier: 1.2, durationMinutes: 60 },
  HIGH: { extraAttendants: 2, multiplier: 1.3, durationMinutes: 90 },
  CRITICAL: { extraAttendants: 3, multiplier: 1.5, durationMinutes: 120 },
};

const roundTo2 = (value: number): number => Math.round(value * 100) / 100;

export const surgeResponsePlan = (alert: PlannableAlert): SurgeResponsePlan => {
  const defaults = SURGE_DEFAULTS[alert.severity];
  const swapRate = observedOf('HIGH_DEMAND', alert.metadata).swapRate;
  const baseline = limitsOf('HIGH_DEMAND', alert.metadata).swapRatePerHour ?? DEFAULT_BASELINE_SWAP_RATE;
  // Only a rate above the baseline says how big the surge is; otherwise the severity decides.
  const observed = swapRate !== undefined && baseline > 0 && swapRate > baseline;
  const extraAttendants = observed
    ? clamp(Math.ceil((swapRate - baseline) / SWAPS_PER_ATTENDANT_HOUR), 1, MAX_EXTRA_ATTENDANTS)
    : defaults.extraAttendants;
  const multiplier = observed ? 1 + (swapRate / baseline - 1) * SURGE_PRICE_ELASTICITY : defaults.multiplier;
  const surgePriceMultiplier = roundTo2(clamp(multiplier, MIN_SURGE_MULTIPLIER, MAX_SURGE_MULTIPLIER));
  const { durationMinutes } = defaults;
  return {
    planType: 'HIGH_DEMAND',
    action: 'SURGE_RESPONSE',
    alertId: alert.alertId,
    stationId: alert.stationId,
    severity: alert.severity,
    summary: `Add ${extraAttendants} attendant(s) at ${alert.stationId} and apply a x${surgePriceMultiplier} surge price for ${durationMinutes} minutes.`,
    steps: [
      `Call in ${extraAttendants} extra attendant(s) to ${alert.stationId}.`,
      `Apply a x${surgePriceMultiplier} swap price at ${alert.stationId} for ${durationMinutes} minutes.`,
      `Advertise nearby stations with spare capacity to riders heading to ${alert.stationId}.`,
      'Revert pricing and staffing when the surge window ends.',
    ],
    extraAttendants,
    surgePriceMultiplier,
    durationMinutes,
    basis: observed ? 'OBSERVED' : 'SEVERITY_DEFAULT',
  };
};

// --- FAULT_PATTERN

/** Where a fault identifier may be, the rule's own field first, then older alerts' names for it. */
const FAULT_KEYS = ['faultId', 'faultPattern', 'fault', 'faultPatterns'] as const;
const ESCALATE_AFTER_MINUTES: Record<Severity, number> = { LOW: 240, MEDIUM: 120, HIGH: 60, CRITICAL: 30 };

/** The fault to diagnose first, then any others the alert saw (distinct, in the alert's order). */
const faultsOf = (alert: PlannableAlert): string[] => {
  const observed = observedOf('FAULT_PATTERN', alert.metadata);
  const found = [
    observed.faultId,
    observed.faultPattern,
    observed.fault,
    ...(observed.faultPatterns ?? []),
  ].filter((fault): fault is string => fault !== undefined);
  return [...new Set(found)];
};

export const remoteDiagnosticsPlan = (alert: PlannableAlert): RemoteDiagnosticsPlan => {
  const [faultId, ...relatedFaults] = faultsOf(alert);
  if (faultId === undefined) {
    throw new UnplannableAlertError(
      `FAULT_PATTERN alert ${alert.alertId} names no fault: expected a fault identifier in metadata.observed (${FAULT_KEYS.join(', ')})`,
      'metadata.observed.faultPattern',
    );
  }
  const escalateAfterMinutes = ESCALATE_AFTER_MINUTES[alert.severity];
  const diagnostics = [
    'COLLECT_ERROR_LOGS',
    'READ_CHARGER_TELEMETRY',
    'RUN_SELF_TEST',
    'CHECK_FIRMWARE_VERSION',
  ];
  return {
    planType: 'FAULT_PATTERN',
    action: 'REMOTE_DIAGNOSTICS',
    alertId: alert.alertId,
    stationId: alert.stationId,
    severity: alert.severity,
    summary: `Run remote diagnostics for fault ${faultId} at ${alert.stationId}; escalate after ${escalateAfterMinutes} minutes.`,
    steps: [
      `Pull the error logs of ${alert.stationId} around fault ${faultId}.`,
      `Run the remote self-test on the equipment reporting ${faultId}.`,
      'Compare the firmware version with the fleet baseline and schedule an update if behind.',
      `Escalate to an on-site technician if ${faultId} recurs within ${escalateAfterMinutes} minutes.`,
    ],
    faultId,
    relatedFaults,
    diagnostics,
    escalateAfterMinutes,
  };
};

// --- STATION_OFFLINE

/** A silent station: nothing is known of its equipment, so the plan first restores its link, then visits. */
export const restoreConnectivityPlan = (alert: PlannableAlert): RestoreConnectivityPlan => {
  const siteVisitId = `SV-${alert.alertId}`;
  const redirectRiders = alert.severity === 'CRITICAL';
  return {
    planType: 'STATION_OFFLINE',
    action: 'RESTORE_CONNECTIVITY',
    alertId: alert.alertId,
    stationId: alert.stationId,
    severity: alert.severity,
    summary: `Restore the connection of ${alert.stationId}: remote power-cycle of its gateway, then site visit ${siteVisitId}.`,
    steps: [
      `Check the uplink status of ${alert.stationId} with the network provider.`,
      `Power-cycle the station gateway of ${alert.stationId} remotely.`,
      ...(redirectRiders
        ? [`Redirect riders from ${alert.stationId} to nearby stations until it reports again.`]
        : []),
      `If it stays silent, send a technician (site visit ${siteVisitId}).`,
    ],
    siteVisitId,
    redirectRiders,
  };
};

const BUILDERS: { [T in PlanType]: (alert: PlannableAlert) => Extract<RemediationPlan, { planType: T }> } = {
  LOW_INVENTORY: rebalanceBatteriesPlan,
  CHARGER_DOWN: technicianWorkOrderPlan,
  HIGH_DEMAND: surgeResponsePlan,
  FAULT_PATTERN: remoteDiagnosticsPlan,
  STATION_OFFLINE: restoreConnectivityPlan,
};

/** The plan of `planType` for the alert; throws UnplannableAlertError when the alert lacks what it needs. */
export const buildRemediationPlan = (planType: PlanType, alert: PlannableAlert): RemediationPlan =>
  BUILDERS[planType](alert);
