import { z } from 'zod';
import { DEFAULT_WINDOW_MS } from './window';

export interface LowInventoryThresholds {
  /** MEDIUM at or below this many charged batteries; HIGH_DEMAND escalates on it too. */
  readonly chargedBatteries: number;
  /** HIGH when the charged stock would run out in strictly less than this many hours. */
  readonly depletionHours: number;
}

export interface ChargerDownThresholds {
  /** MEDIUM needs uptime strictly below this percentage in every record of the window. */
  readonly uptimePercent: number;
  /** MEDIUM needs at least this many records, so one bad reading does not page anyone. */
  readonly minRecords: number;
}

export interface HighDemandThresholds {
  /** m of the m-of-n surge test. */
  readonly surgeRecords: number;
  /** n: how many of the newest records of the window the surge test looks at. */
  readonly surgeLookback: number;
  /** Swaps per hour that every record of the window must reach for the sustained-rate test. */
  readonly swapRatePerHour: number;
  /** The sustained-rate test needs at least this many records; one busy reading is not a trend. */
  readonly minRecords: number;
}

export interface FaultPatternThresholds {
  /** HIGH when one fault identifier shows up in at least this many records of the window. */
  readonly highRecords: number;
  /** CRITICAL from this many records on. */
  readonly criticalRecords: number;
}

/**
 * How an open incident of a rule clears: its readings must not meet the rule for `periodMs` (event time;
 * a rule window when absent), over at least CLEARING_MIN_READINGS readings.
 */
export interface ClearingThresholds {
  readonly clearingPeriodMs?: number;
}

/** Every number the rules compare against; a stage overrides any subset (see parseThresholdOverrides). */
export interface RuleThresholds {
  /** Length of the window that ends at the evaluated record, ms. */
  readonly windowMs: number;
  readonly lowInventory: LowInventoryThresholds & ClearingThresholds;
  readonly chargerDown: ChargerDownThresholds & ClearingThresholds;
  readonly highDemand: HighDemandThresholds & ClearingThresholds;
  readonly faultPattern: FaultPatternThresholds & ClearingThresholds;
}

export const DEFAULT_THRESHOLDS: RuleThresholds = Object.freeze({
  windowMs: DEFAULT_WINDOW_MS,
  lowInventory: Object.freeze({ chargedBatteries: 5, depletionHours: 1 }),
  chargerDown: Object.freeze({ uptimePercent: 90, minRecords: 2 }),
  highDemand: Object.freeze({ surgeRecords: 3, surgeLookback: 5, swapRatePerHour: 30, minRecords: 2 }),
  faultPattern: Object.freeze({ highRecords: 3, criticalRecords: 5 }),
});

/** Thrown for a threshold override that cannot be used; the message names every bad key. */
export class RuleThresholdsError extends Error {
  constructor(
    message: string,
    /** Dotted paths of the offending keys, e.g. "lowInventory.chargedBatteries". */
    readonly keys: string[],
  ) {
    super(message);
    this.name = 'RuleThresholdsError';
  }
}

const number = () => z.number({ error: 'must be a number' });
const nonNegative = () => number().min(0, { error: 'must not be negative' });
const positiveCount = () =>
  number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' });
const clearingPeriod = () =>
  number().int({ error: 'must be a whole number of milliseconds' }).positive({ error: 'must be positive' });
const section = <Shape extends z.core.$ZodLooseShape>(shape: Shape) =>
  z.strictObject({ ...shape, clearingPeriodMs: clearingPeriod() }, { error: 'must be an object' }).partial();

// Strict objects: a misspelt key would otherwise be dropped silently and the default would stay live.
const overrideSchema = z
  .strictObject({
    windowMs: number()
      .int({ error: 'must be a whole number of milliseconds' })
      .positive({ error: 'must be positive' }),
    lowInventory: section({ chargedBatteries: nonNegative(), depletionHours: nonNegative() }),
    chargerDown: section({
      uptimePercent: nonNegative().max(100, { error: 'must be at most 100' }),
      minRecords: positiveCount(),
    }),
    highDemand: section({
      surgeRecords: positiveCount(),
      surgeLookback: positiveCount(),
      swapRatePerHour: nonNegative(),
      minRecords: positiveCount(),
    }),
    faultPattern: section({ highRecords: positiveCount(), criticalRecords: positiveCount() }),
  })
  .partial();

type ThresholdOverrides = z.infer<typeof overrideSchema>;

interface Problem {
  key: string;
  message: string;
}

const describeValue = (value: unknown): string => {
  if (value === undefined) return '';
  const json = JSON.stringify(value);
  return ` (got ${json !== undefined && json.length > 40 ? `${json.slice(0, 40)}…` : json})`;
};

const problemsOf = (error: z.ZodError): Problem[] =>
  error.issues.flatMap((issue) => {
    const parent = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        key: [...parent, key].join('.'),
        message: 'is not a known threshold',
      }));
    }
    const key = parent.length > 0 ? parent.join('.') : '(root)';
    return [{ key, message: `${issue.message}${describeValue(issue.input)}` }];
  });

/** Rules that only make sense across keys, checked after the merge so a partial override is judged whole. */
const inconsistenciesOf = (thresholds: RuleThresholds): Problem[] => {
  const problems: Problem[] = [];
  const { surgeRecords, surgeLookback } = thresholds.highDemand;
  if (surgeRecords > surgeLookback) {
    problems.push({
      key: 'highDemand.surgeRecords',
      message: `must not exceed highDemand.surgeLookback (${surgeRecords} > ${surgeLookback}): the surge test could never fire`,
    });
  }
  const { highRecords, criticalRecords } = thresholds.faultPattern;
  if (criticalRecords < highRecords) {
    problems.push({
      key: 'faultPattern.criticalRecords',
      message: `must be at least faultPattern.highRecords (${criticalRecords} < ${highRecords})`,
    });
  }
  return problems;
};

const fail = (problems: Problem[]): never => {
  const detail = problems.map((problem) => `${problem.key} ${problem.message}`).join('; ');
  throw new RuleThresholdsError(
    `Invalid rule threshold override: ${detail}`,
    problems.map((problem) => problem.key),
  );
};

const merge = (overrides: ThresholdOverrides): RuleThresholds => ({
  windowMs: overrides.windowMs ?? DEFAULT_THRESHOLDS.windowMs,
  lowInventory: { ...DEFAULT_THRESHOLDS.lowInventory, ...overrides.lowInventory },
  chargerDown: { ...DEFAULT_THRESHOLDS.chargerDown, ...overrides.chargerDown },
  highDemand: { ...DEFAULT_THRESHOLDS.highDemand, ...overrides.highDemand },
  faultPattern: { ...DEFAULT_THRESHOLDS.faultPattern, ...overrides.faultPattern },
});

/**
 * The defaults with a partial JSON override merged on top, e.g. '{"lowInventory":{"chargedBatteries":8}}'.
 * Undefined or blank means "no override". Throws RuleThresholdsError naming each bad key: a stage that
 * starts with a broken override should fail at cold start, not alert on the wrong numbers.
 */
export const parseThresholdOverrides = (json: string | undefined): RuleThresholds => {
  if (json === undefined || json.trim() === '') return DEFAULT_THRESHOLDS;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RuleThresholdsError(`Invalid rule threshold override: not valid JSON (${reason})`, []);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail([{ key: '(root)', message: `must be a JSON object${describeValue(raw)}` }]);
  }
  const parsed = overrideSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return fail(problemsOf(parsed.error));
  const thresholds = merge(parsed.data);
  const problems = inconsistenciesOf(thresholds);
  return problems.length > 0 ? fail(problems) : thresholds;
};
