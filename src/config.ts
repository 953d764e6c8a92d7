import { z } from 'zod';

/**
 * Everything the handlers and the local runtime read from the environment, parsed once. Table names
 * and ARNs come from serverless.yml (CloudFormation Refs); endpoints are set only locally and in tests
 * so every AWS client can point at DynamoDB Local or a stub.
 */
const optionalUrl = z
  .string()
  .url()
  .optional()
  .or(z.literal('').transform(() => undefined));

const configSchema = z.object({
  STAGE: z.string().min(1).default('dev'),
  AWS_REGION: z.string().min(1).default('eu-west-1'),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL']).default('INFO'),
  METRICS_TABLE: z.string().min(3).optional(),
  ALERTS_TABLE: z.string().min(3).optional(),
  AUDIT_TABLE: z.string().min(3).optional(),
  IDEMPOTENCY_TABLE: z.string().min(3).optional(),
  STATIONS_TABLE: z.string().min(3).optional(),
  SILENCES_TABLE: z.string().min(3).optional(),
  STATE_MACHINE_ARN: z.string().optional(),
  ALERTS_TOPIC_ARN: z.string().optional(),
  ESCALATION_TOPIC_ARN: z.string().optional(),
  DYNAMODB_ENDPOINT: optionalUrl,
  SFN_ENDPOINT: optionalUrl,
  SNS_ENDPOINT: optionalUrl,
  RULE_THRESHOLDS: z.string().optional(),
  // JSON, ms per severity; parsed (and refused, naming the key) by the functions that use it.
  APPROVAL_DEADLINES: z.string().optional(),
  // Wall clock: a station silent this long is offline (silence has no event time).
  OFFLINE_AFTER_MS: z.coerce.number().int().positive().default(180_000),
  // About 200 bytes a reading: the default keeps the evaluator's memory of stations near 40 MB.
  STATION_HISTORY_MAX_READINGS: z.coerce.number().int().min(0).default(200_000),
});

export interface Config {
  stage: string;
  region: string;
  logLevel: string;
  /** Undefined when the function does not use that table (serverless.yml sets what each one needs). */
  tables: {
    metrics?: string;
    alerts?: string;
    audit?: string;
    idempotency?: string;
    stations?: string;
    silences?: string;
  };
  stateMachineArn: string | undefined;
  alertsTopicArn: string | undefined;
  escalationTopicArn: string | undefined;
  endpoints: { dynamodb?: string; sfn?: string; sns?: string };
  ruleThresholdsJson: string | undefined;
  approvalDeadlinesJson: string | undefined;
  offlineAfterMs: number;
  /** Readings the evaluator keeps in memory between invocations (0: none, every window is read). */
  stationHistoryMaxReadings: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const parseConfig = (env: Record<string, string | undefined>): Config => {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const fields = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${fields}`);
  }
  const e = result.data;
  return {
    stage: e.STAGE,
    region: e.AWS_REGION,
    logLevel: e.LOG_LEVEL,
    tables: {
      metrics: e.METRICS_TABLE,
      alerts: e.ALERTS_TABLE,
      audit: e.AUDIT_TABLE,
      idempotency: e.IDEMPOTENCY_TABLE,
      stations: e.STATIONS_TABLE,
      silences: e.SILENCES_TABLE,
    },
    stateMachineArn: e.STATE_MACHINE_ARN,
    alertsTopicArn: e.ALERTS_TOPIC_ARN,
    escalationTopicArn: e.ESCALATION_TOPIC_ARN,
    endpoints: {
      ...(e.DYNAMODB_ENDPOINT ? { dynamodb: e.DYNAMODB_ENDPOINT } : {}),
      ...(e.SFN_ENDPOINT ? { sfn: e.SFN_ENDPOINT } : {}),
      ...(e.SNS_ENDPOINT ? { sns: e.SNS_ENDPOINT } : {}),
    },
    ruleThresholdsJson: e.RULE_THRESHOLDS,
    approvalDeadlinesJson: e.APPROVAL_DEADLINES,
    offlineAfterMs: e.OFFLINE_AFTER_MS,
    stationHistoryMaxReadings: e.STATION_HISTORY_MAX_READINGS,
  };
};

/** A setting the calling function needs; a clear error names the variable when it is missing. */
export const required = <T>(value: T | undefined, variable: string): T => {
  if (value === undefined || value === '') throw new ConfigError(`${variable} is not set`);
  return value;
};

let cached: Config | undefined;
/** The process's configuration, parsed on first use. */
export const config = (): Config => {
  cached ??= parseConfig(process.env);
  return cached;
};
/** For the local runtime and tests, which set the environment after import. */
export const resetConfig = (): void => {
  cached = undefined;
};
