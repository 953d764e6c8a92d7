import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store';
import { dynamoDbDocumentClient } from '../src/adapters/dynamodb/client';
import { DynamoMetricStore } from '../src/adapters/dynamodb/metric-store';
import { config, required } from '../src/config';
import { parseApprovalDeadlines } from '../src/domain/lifecycle';
import { systemClock } from '../src/domain/ports';
import {
  countAlert,
  countRecords,
  countStationsRead,
  logAlertCreated,
  logger,
  observe,
  tracer,
} from '../src/observability';
import { historyLookbackMs, parseThresholdOverrides } from '../src/rules';
import { evaluateBatch } from '../src/streams/evaluate-batch';
import { StationHistory } from '../src/streams/station-history';

const { region, endpoints, tables, ruleThresholdsJson, approvalDeadlinesJson, stationHistoryMaxReadings } =
  config();
const doc = tracer.captureAWSv3Client(dynamoDbDocumentClient({ region, endpoint: endpoints.dynamodb }));
const deps = {
  metrics: new DynamoMetricStore({ doc, tableName: required(tables.metrics, 'METRICS_TABLE') }),
  alerts: new DynamoAlertStore({
    doc,
    tableName: required(tables.alerts, 'ALERTS_TABLE'),
    deadlines: parseApprovalDeadlines(approvalDeadlinesJson),
  }),
  clock: systemClock,
  // A bad override fails the cold start, naming the key, rather than evaluating with a wrong threshold.
  thresholds: parseThresholdOverrides(ruleThresholdsJson),
};
// Lives as long as the instance; the tumbling-window state tells each invocation whether it can be trusted.
const history = new StationHistory({
  maxReadings: stationHistoryMaxReadings,
  // Clearing looks further back than a rule window (src/rules/clearing.ts).
  windowMs: historyLookbackMs(deps.thresholds),
});

/** Metrics stream -> rule engine -> PENDING alerts, with partial batch failures. */
export const handler = middy(async (event: DynamoDBStreamEvent) => {
  const { batchItemFailures, state, stationsRead } = await evaluateBatch(
    event,
    deps,
    {
      onAlert: (outcome, candidate, sequenceNumber) => {
        if (outcome.kind === 'created') {
          logAlertCreated(outcome.alert);
          countAlert('Created', outcome.alert.alertType, outcome.alert.severity);
        } else if (outcome.kind === 'merged') {
          countAlert('Deduplicated', candidate.alertType, outcome.severity);
          logger.info('alert deduplicated', {
            alertId: outcome.alertId,
            stationId: candidate.stationId,
            sequenceNumber,
            occurrences: outcome.occurrences,
          });
        }
      },
      onRecordFailed: (sequenceNumber, stationId, error) =>
        logger.error('stream record failed', { sequenceNumber, stationId, error }),
      onCounts: ({ processed, skipped, failed }) => {
        countRecords('evaluateMetrics', 'Processed', processed);
        countRecords('evaluateMetrics', 'Skipped', skipped);
        countRecords('evaluateMetrics', 'Failed', failed);
      },
    },
    history,
  );
  countStationsRead(stationsRead);
  return state ? { batchItemFailures, state } : { batchItemFailures };
}).use(observe());
