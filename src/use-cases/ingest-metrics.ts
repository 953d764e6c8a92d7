import { parseMetricBatch } from '../domain/metric-schema';
import type { Clock, MetricStore } from '../domain/ports';
import { METRIC_TTL_DAYS, type Metric, ttlAfterDays } from '../domain/types';

export interface IngestDeps {
  metrics: MetricStore;
  clock: Clock;
}

/**
 * Validates one metric or an array of up to 500 (all or nothing: ValidationError, nothing written), then
 * writes them with ttl = now + 30 days. The same (stationId, timestamp) twice in one request would make
 * BatchWriteItem refuse the whole chunk, so the last one wins, as it would with two requests.
 */
export const ingestMetrics = async (
  body: unknown,
  deps: IngestDeps,
): Promise<{ accepted: number; stations: string[] }> => {
  const now = deps.clock.now();
  const parsed = parseMetricBatch(body, now);
  const byKey = new Map<string, Metric>();
  for (const metric of parsed) {
    byKey.set(`${metric.stationId}\u0000${metric.timestamp}`, {
      ...metric,
      ttl: ttlAfterDays(now, METRIC_TTL_DAYS),
    });
  }
  await deps.metrics.putMany([...byKey.values()]);
  return { accepted: parsed.length, stations: [...new Set(parsed.map((m) => m.stationId))] };
};
