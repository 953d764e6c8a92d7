import { z } from 'zod';
import { type FieldIssue, ValidationError } from './errors';
import { CHARGER_HEALTHS, type Metric } from './types';

/** How far ahead of the receiver's clock a station's timestamp may be (clock skew). */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

/**
 * The receiver's clock for the timestamp's future bound, set by each parse just before it runs. Zod
 * compiles a schema on its first parse, which costs far more than a parse (most of an ingest
 * invocation's CPU when the schema was built per request), so the schemas are built once and read the
 * bound from here; a parse is synchronous, so no other parse can see another request's clock.
 */
let receivedAt = 0;

/**
 * What DynamoDB and the SDK accept, so that a reading they would refuse is a 400 before any write rather
 * than a 500 after part of a body was written. The SDK refuses a number beyond Number.MAX_SAFE_INTEGER
 * (it would lose precision); DynamoDB refuses a magnitude below 1e-130.
 */
const SMALLEST_STORABLE_MAGNITUDE = 1e-130;
export const STATION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
export const MAX_STATION_ID_LENGTH = 128;
export const MAX_LIST_ENTRIES = 50;
export const MAX_LIST_ENTRY_LENGTH = 256;
/** One reading, serialised as JSON: far under DynamoDB's 400 KB item limit. */
export const MAX_READING_BYTES = 32 * 1024;
/** A request body: 500 ordinary readings fit many times over; far under Lambda's 6 MB payload. */
export const MAX_BODY_BYTES = 1024 * 1024;

const notTooTiny = (n: number) => n === 0 || Math.abs(n) >= SMALLEST_STORABLE_MAGNITUDE;
const TOO_TINY = 'must be 0 or at least 1e-130 in magnitude (DynamoDB cannot store a smaller number)';

const boundedList = z
  .array(
    z.string().max(MAX_LIST_ENTRY_LENGTH, `each entry must be at most ${MAX_LIST_ENTRY_LENGTH} characters`),
  )
  .max(MAX_LIST_ENTRIES, `must hold at most ${MAX_LIST_ENTRIES} entries`);

const timestampField = z
  .number()
  .int('must be an integer epoch in milliseconds')
  .positive('must be a positive epoch in milliseconds');

/** The fields a station sends, bounded to what DynamoDB stores. */
const metricFields = (timestamp: typeof timestampField) => ({
  stationId: z
    .string()
    .trim()
    .min(1, { message: 'must be a non-empty string', abort: true })
    .max(MAX_STATION_ID_LENGTH, {
      message: `must be at most ${MAX_STATION_ID_LENGTH} characters`,
      abort: true,
    })
    .regex(STATION_ID_PATTERN, 'must be letters, digits, _ . : - and start with a letter or digit'),
  timestamp,
  swapRate: z
    .number()
    .min(0, 'must be >= 0')
    .max(Number.MAX_SAFE_INTEGER, `must be at most ${Number.MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER)`)
    .refine(notTooTiny, TOO_TINY),
  demandSurge: z.boolean(),
  chargerUptime: z
    .number()
    .min(0, 'must be between 0 and 100')
    .max(100, 'must be between 0 and 100')
    .refine(notTooTiny, TOO_TINY),
  chargerHealth: z.enum(CHARGER_HEALTHS),
  chargedBatteries: z.number().int('must be an integer').min(0, 'must be >= 0'),
  unchargedBatteries: z.number().int('must be an integer').min(0, 'must be >= 0'),
  errorLogs: boundedList,
  faultPatterns: boundedList,
});

/** The metric a station sends: the timestamp not more than 5 minutes ahead of `receivedAt`. */
const metricInputSchema = z
  .object(
    metricFields(
      timestampField.refine((timestamp) => timestamp <= receivedAt + MAX_FUTURE_SKEW_MS, {
        message: 'must not be more than 5 minutes in the future',
      }),
    ),
  )
  .strict();

export const MAX_METRICS_PER_REQUEST = 500;

const issuesOf = (error: z.ZodError, index?: number): FieldIssue[] =>
  error.issues.map((issue) => ({
    ...(index === undefined ? {} : { index }),
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));

/** A reading whose fields are each in bounds can still be too large as a whole (multi-byte text). */
const oversizedReading = (metric: Metric): string | undefined => {
  const bytes = Buffer.byteLength(JSON.stringify(metric), 'utf8');
  return bytes > MAX_READING_BYTES
    ? `the reading is ${bytes} bytes as JSON; at most ${MAX_READING_BYTES}`
    : undefined;
};

/** Parses one metric; throws ValidationError listing every wrong field. */
export const parseMetric = (input: unknown, now: number): Metric => {
  receivedAt = now;
  const result = metricInputSchema.safeParse(input);
  if (!result.success) throw new ValidationError('invalid metric', issuesOf(result.error));
  const oversized = oversizedReading(result.data);
  if (oversized) throw new ValidationError('invalid metric', [{ path: '(reading)', message: oversized }]);
  return result.data;
};

/**
 * Parses one metric or an array of up to 500, all or nothing: any invalid item rejects the whole input,
 * and the error lists every wrong field of every item with its index.
 */
export const parseMetricBatch = (input: unknown, now: number): Metric[] => {
  const items = Array.isArray(input) ? input : [input];
  if (Array.isArray(input) && input.length === 0) {
    throw new ValidationError('empty array: send at least one metric', [
      { path: '(root)', message: 'must not be empty' },
    ]);
  }
  if (items.length > MAX_METRICS_PER_REQUEST) {
    throw new ValidationError(`too many metrics: ${items.length} (at most ${MAX_METRICS_PER_REQUEST})`, [
      { path: '(root)', message: `must hold at most ${MAX_METRICS_PER_REQUEST} metrics` },
    ]);
  }
  receivedAt = now;
  const metrics: Metric[] = [];
  const issues: FieldIssue[] = [];
  items.forEach((item, index) => {
    const at = Array.isArray(input) ? index : undefined;
    const result = metricInputSchema.safeParse(item);
    if (!result.success) {
      issues.push(...issuesOf(result.error, at));
      return;
    }
    const oversized = oversizedReading(result.data);
    if (oversized)
      issues.push({ ...(at === undefined ? {} : { index: at }), path: '(reading)', message: oversized });
    else metrics.push(result.data);
  });
  if (issues.length > 0) throw new ValidationError('invalid metrics: nothing was written', issues);
  return metrics;
};

/**
 * A metric as stored (a stream image): the same fields plus `ttl`, without the future bound, which
 * only applies when a station sends it.
 */
const storedMetricSchema = z
  .object({
    ...metricFields(timestampField),
    // Rows written before the bounds existed still replay: the stored shape only needs to be readable.
    stationId: z.string().trim().min(1, 'must be a non-empty string'),
    errorLogs: z.array(z.string()),
    faultPatterns: z.array(z.string()),
    ttl: z.number().optional(),
  })
  .strict();

export const parseStoredMetric = (item: unknown): Metric => {
  const result = storedMetricSchema.safeParse(item);
  if (!result.success) throw new ValidationError('invalid stored metric', issuesOf(result.error));
  return result.data;
};
