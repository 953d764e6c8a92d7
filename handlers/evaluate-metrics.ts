import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { awsClients } from '../src/adapters/aws-clients';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store';
import { DynamoMetricStore } from '../src/adapters/dynamodb/metric-store';
import { settingsFor } from '../src/config';
import { systemClock } from '../src/domain/ports';
import { countStationsRead, evaluateHooks, observe } from '../src/observability';
import { parseThresholdOverrides } from '../src/rules';
import { evaluateBatch } from '../src/streams/evaluate-batch';
import { StationHistory } from '../src/streams/station-history';

const settings = settingsFor('evaluateMetrics');
const { doc } = awsClients(settings);
const deps = {
  metrics: new DynamoMetricStore({ doc, tableName: settings.METRICS_TABLE }),
  alerts: new DynamoAlertStore({ doc, tableName: settings.ALERTS_TABLE }),
  clock: systemClock,
  // A bad override fails the cold start, naming the key, rather than evaluating with a wrong threshold.
  thresholds: parseThresholdOverrides(settings.RULE_THRESHOLDS),
};
// Lives as long as the instance; the tumbling-window state tells each invocation whether it can be trusted.
const history = new StationHistory({
  maxReadings: settings.STATION_HISTORY_MAX_READINGS,
  windowMs: deps.thresholds.windowMs,
});

/** Metrics stream -> rule engine -> PENDING alerts, with partial batch failures. */
export const handler = middy(async (event: DynamoDBStreamEvent) => {
  const { batchItemFailures, state, stationsRead } = await evaluateBatch(event, deps, evaluateHooks, history);
  countStationsRead(stationsRead);
  return state ? { batchItemFailures, state } : { batchItemFailures };
}).use(observe());
