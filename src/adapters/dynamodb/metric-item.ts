import { CHARGER_HEALTHS, METRIC_TTL_DAYS, type Metric, ttlAfterDays } from '../../domain/types';
import { fieldReader, type Item } from './item-fields';

export const METRIC_KEY_NAMES = ['stationId', 'timestamp'] as const;

/** The stored row: the metric itself, with the writer's TTL when the caller set none. */
export const metricToItem = (metric: Metric, now: number): Item => ({
  ...metric,
  ttl: metric.ttl ?? ttlAfterDays(now, METRIC_TTL_DAYS),
});

export const itemToMetric = (table: string, item: Item): Metric => {
  const f = fieldReader(table, item);
  const ttl = f.optionalNumber('ttl');
  return {
    stationId: f.string('stationId'),
    timestamp: f.number('timestamp'),
    swapRate: f.number('swapRate'),
    demandSurge: f.boolean('demandSurge'),
    chargerUptime: f.number('chargerUptime'),
    chargerHealth: f.oneOf('chargerHealth', CHARGER_HEALTHS),
    chargedBatteries: f.number('chargedBatteries'),
    unchargedBatteries: f.number('unchargedBatteries'),
    errorLogs: f.stringArray('errorLogs'),
    faultPatterns: f.stringArray('faultPatterns'),
    ...(ttl === undefined ? {} : { ttl }),
  };
};
