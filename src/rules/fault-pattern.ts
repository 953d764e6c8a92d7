import type { Metric } from '../domain/types';
import { formatCount, formatWindow } from './format';
import { candidate, type Rule } from './rule';

/** A fault listed twice in one record is still one record showing it. */
const repeatsEarlier = (faults: readonly string[], index: number): boolean => {
  const fault = faults[index];
  for (let i = 0; i < index; i++) if (faults[i] === fault) return true;
  return false;
};

const hasAnyFault = (window: readonly Metric[]): boolean => {
  for (const metric of window) if (metric.faultPatterns.length > 0) return true;
  return false;
};

/**
 * Scratch tallies reused by every evaluation: this rule runs for every record of every batch, and a
 * window rarely shows more than a few distinct faults, so a linear scan over reused arrays beats
 * allocating (or even clearing) a map. Safe because evaluation is synchronous and the arrays never
 * leave this module.
 */
const tallyFaults: string[] = [];
const tallyRecords: number[] = [];

/** Fills the tallies with how many records of the window show each fault identifier; returns how many. */
const countRecordsByFault = (window: readonly Metric[]): number => {
  let distinct = 0;
  for (const metric of window) {
    const faults = metric.faultPatterns;
    for (let i = 0; i < faults.length; i++) {
      const fault = faults[i];
      // Empty identifiers carry no diagnosis, so they cannot form a pattern.
      if (!fault || repeatsEarlier(faults, i)) continue;
      let slot = 0;
      while (slot < distinct && tallyFaults[slot] !== fault) slot++;
      if (slot === distinct) {
        tallyFaults[distinct] = fault;
        tallyRecords[distinct] = 0;
        distinct++;
      }
      tallyRecords[slot] = (tallyRecords[slot] as number) + 1;
    }
  }
  return distinct;
};

const timestampsShowing = (window: readonly Metric[], fault: string): number[] => {
  const timestamps: number[] = [];
  for (const metric of window) if (metric.faultPatterns.includes(fault)) timestamps.push(metric.timestamp);
  return timestamps;
};

interface RecurringFault {
  fault: string;
  records: number;
}

/** Most records first; ties alphabetical so the same window always names the same fault. */
const byRecordsThenName = (a: RecurringFault, b: RecurringFault): number =>
  b.records - a.records || (a.fault < b.fault ? -1 : a.fault > b.fault ? 1 : 0);

/**
 * FAULT_PATTERN: one fault identifier in at least highRecords records of the window is HIGH, in
 * criticalRecords or more CRITICAL. The alert names the fault with the most records and lists the
 * others that also qualify.
 */
export const faultPatternRule: Rule = (window, evaluated, thresholds) => {
  const { highRecords, criticalRecords } = thresholds.faultPattern;
  // Both checks skip the map for the common healthy window.
  if (window.length < highRecords || !hasAnyFault(window)) return undefined;
  const recurring: RecurringFault[] = [];
  const distinct = countRecordsByFault(window);
  for (let slot = 0; slot < distinct; slot++) {
    const records = tallyRecords[slot] as number;
    if (records >= highRecords) recurring.push({ fault: tallyFaults[slot] as string, records });
  }
  if (recurring.length === 0) return undefined;
  recurring.sort(byRecordsThenName);
  const top = recurring[0] as RecurringFault;
  const records = top.records;
  const severity = records >= criticalRecords ? 'CRITICAL' : 'HIGH';
  const station = evaluated.stationId;
  const others = recurring.slice(1).map((other) => `${other.fault} (${other.records})`);
  return candidate(
    evaluated,
    'FAULT_PATTERN',
    severity,
    {
      title: `Recurring fault ${top.fault} at ${station}`,
      description:
        `${station} reported fault ${top.fault} in ${records} of ${formatCount(window.length, 'reading')} over the last ${formatWindow(thresholds.windowMs)} (threshold ${highRecords}, critical at ${criticalRecords}).` +
        (others.length > 0 ? ` Other recurring faults: ${others.join(', ')}.` : ''),
      recommendedAction:
        severity === 'CRITICAL'
          ? `Take the equipment raising ${top.fault} at ${station} out of service now and send a technician to repair it today.`
          : `Send a technician to ${station} within 4 hours to diagnose the recurring ${top.fault} fault before it takes chargers offline.`,
    },
    {
      thresholds: { highRecords, criticalRecords },
      observed: {
        faultPattern: top.fault,
        records,
        windowRecords: window.length,
        qualifyingFaultPatterns: recurring.map((entry) => entry.fault),
        recordsByFaultPattern: Object.fromEntries(recurring.map((entry) => [entry.fault, entry.records])),
      },
      triggeringTimestamps: timestampsShowing(window, top.fault),
    },
  );
};
