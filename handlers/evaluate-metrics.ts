import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { awsClients } from '../src/adapters/aws-clients';
import { DynamoAlertStore, DynamoMetricStore, DynamoSilenceStore } from '../src/adapters/dynamodb';
import { settingsFor } from '../src/config';
import { parseApprovalDeadlines } from '../src/domain/lifecycle';
import { systemClock } from '../src/domain/ports';
import { countStationsRead, evaluateHooks, heartbeatsRecorded, observe } from '../src/observability';
import { historyLookbackMs, parseThresholdOverrides } from '../src/rules';
import { evaluateBatch } from '../src/streams/evaluate-batch';
import { heartbeatsOf } from '../src/streams/signs-of-life';
import { StationHistory } from '../src/streams/station-history';
import { SilenceCheck } from '../src/use-cases/silence-check';

const settings = settingsFor('evaluateMetrics');
const { doc } = awsClients(settings);
// Bad overrides fail the cold start, naming the key, rather than evaluating with wrong values.
const deadlines = parseApprovalDeadlines(settings.APPROVAL_DEADLINES);
const thresholds = parseThresholdOverrides(settings.RULE_THRESHOLDS);
const silenceStore = new DynamoSilenceStore({ doc, tableName: settings.ALERTS_TABLE });
const deps = {
  metrics: new DynamoMetricStore({ doc, tableName: settings.METRICS_TABLE }),
  alerts: new DynamoAlertStore({ doc, tableName: settings.ALERTS_TABLE, deadlines }),
  clock: systemClock,
  thresholds,
  silences: new SilenceCheck(silenceStore, systemClock, settings.SILENCE_CACHE_MS),
};
// Lives as long as the instance; the window state says if it can be trusted. Clearing looks further back.
const history = new StationHistory({
  maxReadings: settings.STATION_HISTORY_MAX_READINGS,
  windowMs: historyLookbackMs(thresholds),
});
const heartbeats = heartbeatsOf(doc, settings, deps.alerts, heartbeatsRecorded);
/** Metrics stream -> rule engine -> alerts, merges and clears; then the stations' heartbeats (offline). */
export const handler = middy(async (event: DynamoDBStreamEvent) => {
  const { batchItemFailures, state, stationsRead } = await evaluateBatch(event, deps, evaluateHooks, history);
  countStationsRead(stationsRead);
  await heartbeats.record(event);
  return state ? { batchItemFailures, state } : { batchItemFailures };
}).use(observe());
