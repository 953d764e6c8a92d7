import { z } from 'zod';
import type { AlertType } from './alert-vocabulary';
import { CHARGER_HEALTHS, type ChargerHealth } from './types';

/**
 * What each rule records on its alert, one typed record per alert type: the rules write it (src/rules)
 * and the remediation planner reads it (src/domain/remediation.ts), both with the compiler's help.
 */

/** What each rule observed in the readings that made it fire. */
export interface RuleObservations {
  LOW_INVENTORY: {
    chargedBatteries: number;
    unchargedBatteries: number;
    swapRate: number;
    hoursOfStockLeft: number | null;
  };
  CHARGER_DOWN: {
    chargerHealth: ChargerHealth;
    chargerUptime: number;
    unchargedBatteries?: number;
    minChargerUptime?: number;
    maxChargerUptime?: number;
    records?: number;
    errorLogs: string[];
  };
  HIGH_DEMAND: {
    surges: number;
    surgeRecordsConsidered: number;
    minimumSwapRate: number | null;
    swapRate: number;
    chargedBatteries: number;
    signals: string[];
  };
  FAULT_PATTERN: {
    faultPattern: string;
    records: number;
    windowRecords: number;
    qualifyingFaultPatterns: string[];
    recordsByFaultPattern: Record<string, number>;
  };
}

/** The thresholds each rule compared against (only those). */
export interface RuleLimits {
  LOW_INVENTORY: { chargedBatteries: number; depletionHours: number };
  CHARGER_DOWN: { uptimePercent: number; minRecords?: number };
  HIGH_DEMAND: {
    surgeRecords: number;
    surgeLookback: number;
    swapRatePerHour: number;
    minRecords: number;
    lowInventoryChargedBatteries: number;
  };
  FAULT_PATTERN: { highRecords: number; criticalRecords: number };
}

/** An alert's `metadata` as the rule of `T` writes it. */
export interface RuleMetadata<T extends RuledAlertType> {
  thresholds: RuleLimits[T];
  observed: RuleObservations[T];
  /** Event times of the records that made the rule fire, ascending. */
  triggeringTimestamps: number[];
}

/** The alert types a metrics rule raises. */
export type RuledAlertType = keyof RuleObservations & AlertType;

// --- reading metadata back: lenient, because alerts outlive the code that wrote them.

/** A finite number, or the newest of a series (windows are ascending, so the last one); else undefined. */
const reading = z
  .preprocess(
    (value) => (Array.isArray(value) ? value[value.length - 1] : value),
    z.number().refine(Number.isFinite),
  )
  .optional()
  .catch(undefined);
const text = z.string().trim().min(1).optional().catch(undefined);
const texts = z
  .preprocess((value) => (Array.isArray(value) ? value : [value]), z.array(z.unknown()))
  .transform((values) => values.filter((v): v is string => typeof v === 'string' && v.trim() !== ''))
  .optional()
  .catch(undefined);

const observedReaders = {
  LOW_INVENTORY: z.object({ chargedBatteries: reading, swapRate: reading, unchargedBatteries: reading }),
  CHARGER_DOWN: z.object({
    chargerHealth: z.enum(CHARGER_HEALTHS).optional().catch(undefined),
    chargerUptime: reading,
    minChargerUptime: reading,
    /** Written by alerts before the rule metadata shape. */
    chargerUptimePercent: reading,
  }),
  HIGH_DEMAND: z.object({ swapRate: reading, chargedBatteries: reading }),
  FAULT_PATTERN: z.object({
    faultPattern: text,
    /** Written by alerts before the rule metadata shape. */
    faultId: text,
    fault: text,
    faultPatterns: texts,
  }),
} satisfies { [T in RuledAlertType]: z.ZodType<Partial<Record<keyof RuleObservations[T], unknown>>> };

const limitReaders = {
  LOW_INVENTORY: z.object({ chargedBatteries: reading, depletionHours: reading }),
  CHARGER_DOWN: z.object({ uptimePercent: reading }),
  HIGH_DEMAND: z.object({ swapRatePerHour: reading }),
  FAULT_PATTERN: z.object({ highRecords: reading, criticalRecords: reading }),
} satisfies { [T in RuledAlertType]: z.ZodType<Partial<Record<keyof RuleLimits[T], unknown>>> };

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/** What the rule of `alertType` observed, every field optional (undefined when absent or unusable). */
export const observedOf = <T extends RuledAlertType>(
  alertType: T,
  metadata: Record<string, unknown>,
): z.infer<(typeof observedReaders)[T]> => {
  // Flat metadata ({ chargedBatteries: 3 }) is read too: alerts written before the rule metadata shape.
  const observed = { ...metadata, ...asRecord(metadata.observed) };
  return observedReaders[alertType].parse(observed) as z.infer<(typeof observedReaders)[T]>;
};

/** The thresholds the rule of `alertType` compared against, every field optional. */
export const limitsOf = <T extends RuledAlertType>(
  alertType: T,
  metadata: Record<string, unknown>,
): z.infer<(typeof limitReaders)[T]> =>
  limitReaders[alertType].parse(asRecord(metadata.thresholds)) as z.infer<(typeof limitReaders)[T]>;
