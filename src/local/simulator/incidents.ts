import type { ChargerHealth } from '../../domain/types';
import type { Random } from './prng';

export const INCIDENT_KINDS = [
  'battery-depletion',
  'charger-failure',
  'demand-surge',
  'recurring-fault',
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const RECURRING_FAULT = 'E_CONNECTOR_OVERTEMP';

/**
 * What an incident does to a station's reading at one instant. Fields left out keep the healthy
 * value, so several incidents can share a station (see combineEffects).
 */
export interface Effect {
  swapRate?: number;
  demandSurge?: boolean;
  chargerHealth?: ChargerHealth;
  chargerUptime?: number;
  chargedBatteries?: number;
  errorLogs?: string[];
  faultPatterns?: string[];
  /** The station's model stops turning uncharged batteries into charged ones. */
  chargingStopped?: boolean;
}

export interface Incident {
  kind: IncidentKind;
  /** How long the incident lasts from its start; afterwards the station reads healthy again. */
  durationMs: number;
  effect(offsetMs: number, random: Random): Effect;
}

const SECOND = 1000;

/**
 * LOW_INVENTORY: riders queue at a high swap rate (just under HIGH_DEMAND's 30/h, so this incident
 * raises its own alert type) while the charged stock falls one battery every 5 s, from 8 to 0 in 40 s:
 * HIGH at once (under an hour of stock), CRITICAL at 0. A restock ends it.
 */
const batteryDepletion: Incident = {
  kind: 'battery-depletion',
  durationMs: 150 * SECOND,
  effect: (offsetMs, random) => {
    const charged = Math.max(0, 8 - Math.floor(offsetMs / (5 * SECOND)));
    return {
      swapRate: Math.round(random.between(26, 29.5) * 10) / 10,
      chargedBatteries: charged,
      errorLogs: charged === 0 ? ['WARN: swap refused, no charged battery available'] : [],
    };
  },
};

/**
 * CHARGER_DOWN: degraded with uptime under 90% for 30 s (MEDIUM once two readings agree), then down
 * (CRITICAL) until a technician restores it at 3 minutes. A down charger charges nothing.
 */
const chargerFailure: Incident = {
  kind: 'charger-failure',
  durationMs: 180 * SECOND,
  effect: (offsetMs) => {
    if (offsetMs < 30 * SECOND) {
      return {
        chargerHealth: 'degraded',
        chargerUptime: Math.round((88 - (6 * offsetMs) / (30 * SECOND)) * 10) / 10,
        errorLogs: ['CHARGER_MODULE_2: output voltage unstable'],
      };
    }
    return {
      chargerHealth: 'down',
      chargerUptime: Math.round((80 - (20 * (offsetMs - 30 * SECOND)) / (150 * SECOND)) * 10) / 10,
      errorLogs: ['CHARGER_MODULE_2: offline, power stage fault'],
      chargingStopped: true,
    };
  },
};

/** HIGH_DEMAND: an event nearby; every reading flags a surge at 31-38 swaps/h for 2 minutes. */
const demandSurge: Incident = {
  kind: 'demand-surge',
  durationMs: 120 * SECOND,
  effect: (_offsetMs, random) => ({
    swapRate: Math.round(random.between(31, 38) * 10) / 10,
    demandSurge: true,
  }),
};

/**
 * FAULT_PATTERN: the same connector fault in every reading for 150 s (HIGH at 3 readings, CRITICAL at
 * 5): long enough for 3 readings even at one a minute.
 */
const recurringFault: Incident = {
  kind: 'recurring-fault',
  durationMs: 150 * SECOND,
  effect: () => ({
    faultPatterns: [RECURRING_FAULT],
    errorLogs: [`${RECURRING_FAULT}: connector at 78C, limit 70C`],
  }),
};

/** In INCIDENT_KINDS order, which is also the order stations are assigned them. */
export const INCIDENTS: readonly Incident[] = [batteryDepletion, chargerFailure, demandSurge, recurringFault];

/**
 * Several incidents on one station (small fleets): the busiest swap rate wins, logs and faults add
 * up, the rest are disjoint fields. All four kinds are compatible this way.
 */
export const combineEffects = (effects: readonly Effect[]): Effect => {
  const combined: Effect = {};
  for (const effect of effects) {
    const { swapRate, errorLogs, faultPatterns, ...rest } = effect;
    Object.assign(combined, rest);
    if (swapRate !== undefined) combined.swapRate = Math.max(combined.swapRate ?? 0, swapRate);
    if (errorLogs !== undefined) combined.errorLogs = [...(combined.errorLogs ?? []), ...errorLogs];
    if (faultPatterns !== undefined)
      combined.faultPatterns = [...(combined.faultPatterns ?? []), ...faultPatterns];
  }
  return combined;
};
