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

const timestampField = z
  .number()
  .int('must be an integer epoch in milliseconds')
  .positive('must be a positive epoch in milliseconds');

const metricFields = (timestamp: typeof timestampField) => ({
  stationId: z.string().trim().min(1, 'must be a non-empty string'),
  timestamp,
  swapRate: z.number().min(0, 'must be >= 0'),
  demandSurge: z.boolean(),
  chargerUptime: z.number().min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100'),
  chargerHealth: z.enum(CHARGER_HEALTHS),
  chargedBatteries: z.number().int('must be an integer').min(0, 'must be >= 0'),
  unchargedBatteries: z.number().int('must be an integer').min(0, 'must be >= 0'),
  errorLogs: z.array(z.string()),
  faultPatterns: z.array(z.string()),
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

/** Parses one metric; throws ValidationError listing every wrong field. */
export const parseMetric = (input: unknown, now: number): Metric => {
  receivedAt = now;
  const result = metricInputSchema.safeParse(input);
  if (!result.success) throw new ValidationError('invalid metric', issuesOf(result.error));
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
    const result = metricInputSchema.safeParse(item);
    if (result.success) metrics.push(result.data);
    else issues.push(...issuesOf(result.error, Array.isArray(input) ? index : undefined));
  });
  if (issues.length > 0) throw new ValidationError('invalid metrics: nothing was written', issues);
  return metrics;
};

/**
 * A metric as stored (a stream image): the same fields plus `ttl`, without the future bound, which
 * only applies when a station sends it.
 */
const storedMetricSchema = z.object({ ...metricFields(timestampField), ttl: z.number().optional() }).strict();

export const parseStoredMetric = (item: unknown): Metric => {
  const result = storedMetricSchema.safeParse(item);
  if (!result.success) throw new ValidationError('invalid stored metric', issuesOf(result.error));
  return result.data;
};
