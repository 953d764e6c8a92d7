import { z } from 'zod';
import { ValidationError } from '../domain/errors';
import type { Page, StationMetricsReader } from '../domain/ports';
import type { Metric } from '../domain/types';

export const STATION_METRICS_MAX_LIMIT = 500;

/** Epoch milliseconds, or an ISO 8601 date-time (what a browser's URL naturally carries). */
const instant = z
  .string()
  .trim()
  .min(1, 'must be epoch milliseconds or an ISO 8601 date-time')
  .transform((value, ctx) => {
    const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    if (!Number.isSafeInteger(ms)) {
      ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO 8601 date-time' });
      return z.NEVER;
    }
    return ms;
  });

const querySchema = z
  .object({
    stationId: z.string().trim().min(1, 'must be a non-empty string'),
    from: instant.optional(),
    to: instant.optional(),
    limit: z.coerce
      .number()
      .int('must be an integer')
      .min(1, 'must be >= 1')
      .max(STATION_METRICS_MAX_LIMIT, `must be <= ${STATION_METRICS_MAX_LIMIT}`)
      .default(100),
    cursor: z.string().min(1, 'must be a non-empty string').optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    path: ['from'],
    message: 'must not be after to',
  });

/** A station's readings newest first (seed 003's "last N metrics of a station"), paged. */
export const stationMetrics = async (
  stationId: string,
  query: Record<string, string | undefined>,
  deps: { metrics: StationMetricsReader },
): Promise<Page<Metric>> => {
  const parsed = querySchema.safeParse({ ...query, stationId });
  if (!parsed.success) {
    throw new ValidationError(
      'invalid query',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const { from, to, limit, cursor } = parsed.data;
  return deps.metrics.page({
    stationId: parsed.data.stationId,
    limit,
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(cursor === undefined ? {} : { cursor }),
  });
};
