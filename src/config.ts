import { z } from 'zod';

/**
 * Each function's settings, read from the environment once and validated against that function's own
 * schema: what a function requires is its schema (a missing table name fails its cold start, naming the
 * variable), and nothing it does not use is required of it. Table names and ARNs come from
 * serverless.yml (CloudFormation Refs); endpoints are set only locally and in tests so every AWS client
 * can point at DynamoDB Local or a stub.
 */
const optionalUrl = z
  .string()
  .url()
  .optional()
  .or(z.literal('').transform(() => undefined));

const tableName = z.string().min(3);

/**
 * How long a station may stay silent before it is STATION_OFFLINE, ms (src/domain/offline.ts). Blank
 * means the default; anything else that is not a whole number of at least 10 s fails the cold start,
 * naming OFFLINE_AFTER_MS.
 */
// The same figures as DEFAULT_OFFLINE_AFTER_MS and MIN_OFFLINE_AFTER_MS of src/domain/offline.ts (config
// imports nothing of the core; test/unit/domain/offline.test.ts holds them equal).
const DEFAULT_OFFLINE_AFTER_MS = 180_000;
const MIN_OFFLINE_AFTER_MS = 10_000;
const offlineAfterMs = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.coerce
    .number()
    .int('must be a whole number of milliseconds')
    .min(MIN_OFFLINE_AFTER_MS, `must be at least ${MIN_OFFLINE_AFTER_MS} ms`)
    .default(DEFAULT_OFFLINE_AFTER_MS),
);

/** What every function reads: where it runs and which endpoints its clients use. */
const runtime = {
  STAGE: z.string().min(1).default('dev'),
  AWS_REGION: z.string().min(1).default('eu-west-1'),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL']).default('INFO'),
  DYNAMODB_ENDPOINT: optionalUrl,
  SFN_ENDPOINT: optionalUrl,
  SNS_ENDPOINT: optionalUrl,
};

/** Keyed by the serverless.yml function key; test/infra checks the packaged stack sets each one's keys. */
export const FUNCTION_SETTINGS = {
  ingestMetrics: z.object({ ...runtime, METRICS_TABLE: tableName }),
  evaluateMetrics: z.object({
    ...runtime,
    METRICS_TABLE: tableName,
    ALERTS_TABLE: tableName,
    RULE_THRESHOLDS: z.string().optional(),
    // JSON, ms per severity; parsed (and refused, naming the key) by src/domain/lifecycle.ts.
    APPROVAL_DEADLINES: z.string().optional(),
    // About 200 bytes a reading: the default keeps the evaluator's memory of stations near 40 MB.
    STATION_HISTORY_MAX_READINGS: z.coerce.number().int().min(0).default(200_000),
    // How long one read of the silences serves (src/use-cases/silence-check.ts).
    SILENCE_CACHE_MS: z.coerce.number().int().min(0).default(10_000),
    // Stations' last-seen rows (heartbeats, docs/rules.md "Offline stations"); without it none are written.
    LAST_SEEN_TABLE: tableName.optional(),
    OFFLINE_AFTER_MS: offlineAfterMs,
  }),
  queryAlerts: z.object({ ...runtime, ALERTS_TABLE: tableName, AUDIT_TABLE: tableName }),
  decideAlert: z.object({ ...runtime, ALERTS_TABLE: tableName }),
  dispatchAlertChange: z.object({
    ...runtime,
    ALERTS_TABLE: tableName,
    AUDIT_TABLE: tableName,
    IDEMPOTENCY_TABLE: tableName,
    STATE_MACHINE_ARN: z.string().min(1),
    ALERTS_TOPIC_ARN: z.string().min(1),
    ESCALATION_TOPIC_ARN: z.string().min(1),
  }),
  planRemediation: z.object({ ...runtime }),
  recordWorkflowOutcome: z.object({ ...runtime, AUDIT_TABLE: tableName }),
  sweepAlerts: z.object({
    ...runtime,
    ALERTS_TABLE: tableName,
    APPROVAL_DEADLINES: z.string().optional(),
    METRICS_TABLE: tableName,
    LAST_SEEN_TABLE: tableName,
    OFFLINE_AFTER_MS: offlineAfterMs,
    SILENCE_CACHE_MS: z.coerce.number().int().min(0).default(10_000),
  }),
  queryStationMetrics: z.object({ ...runtime, METRICS_TABLE: tableName }),
} as const;

export type FunctionName = keyof typeof FUNCTION_SETTINGS;
export type Settings<F extends FunctionName> = z.infer<(typeof FUNCTION_SETTINGS)[F]>;
/** The settings every function has (region and endpoints), which the client factory reads. */
export type RuntimeSettings = z.infer<z.ZodObject<typeof runtime>>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Validates `env` against the function's schema; the error names every variable that is wrong. */
export const parseSettings = <F extends FunctionName>(
  fn: F,
  env: Record<string, string | undefined>,
): Settings<F> => {
  const result = FUNCTION_SETTINGS[fn].safeParse(env);
  if (!result.success) {
    const fields = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration of ${fn}: ${fields}`);
  }
  return result.data as Settings<F>;
};

const cached = new Map<FunctionName, unknown>();
/** The function's settings from the process environment, parsed on first use. */
export const settingsFor = <F extends FunctionName>(fn: F): Settings<F> => {
  if (!cached.has(fn)) cached.set(fn, parseSettings(fn, process.env));
  return cached.get(fn) as Settings<F>;
};
/** For the local runtime and tests, which set the environment after import. */
export const resetConfig = (): void => {
  cached.clear();
};
