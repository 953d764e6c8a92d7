import middy from '@middy/core';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store';
import { dynamoDbDocumentClient } from '../src/adapters/dynamodb/client';
import { config, required } from '../src/config';
import { systemClock } from '../src/domain/ports';
import { callerOf, jsonBody, pathParameter } from '../src/http/request';
import { json } from '../src/http/response';
import { httpRoute } from '../src/http/route';
import { countDecision, logger, observe, recordDecisionLatency, tracer } from '../src/observability';
import { approveAlert, decisionLatencyMs, rejectAlert, resolveAlert } from '../src/use-cases/decide-alert';

const { region, endpoints, tables } = config();
const deps = {
  alerts: new DynamoAlertStore({
    doc: tracer.captureAWSv3Client(dynamoDbDocumentClient({ region, endpoint: endpoints.dynamodb })),
    tableName: required(tables.alerts, 'ALERTS_TABLE'),
  }),
  clock: systemClock,
};

/**
 * POST /alerts/{alertId}/approve, /reject and /resolve (scope alerts/decide). The decider is the token's subject,
 * never a value from the body.
 */
export const handler = middy(
  httpRoute(async (event) => {
    const alertId = pathParameter(event, 'alertId');
    const actor = callerOf(event);
    if (event.routeKey.endsWith('/resolve')) {
      const resolved = await resolveAlert(alertId, jsonBody(event), actor, deps);
      logger.info('alert resolved', { alertId, stationId: resolved.stationId, actor });
      return json(200, resolved);
    }
    const approving = event.routeKey.endsWith('/approve');
    const alert = approving
      ? await approveAlert(alertId, actor, deps)
      : await rejectAlert(alertId, jsonBody(event), actor, deps);
    countDecision(approving ? 'Approved' : 'Rejected');
    const latency = decisionLatencyMs(alert);
    if (latency !== undefined) recordDecisionLatency(latency);
    logger.info(approving ? 'alert approved' : 'alert rejected', {
      alertId,
      stationId: alert.stationId,
      actor,
    });
    return json(200, alert);
  }),
).use(observe());
