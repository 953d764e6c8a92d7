import middy from '@middy/core';
import { awsClients } from '../src/adapters/aws-clients';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store';
import { settingsFor } from '../src/config';
import { systemClock } from '../src/domain/ports';
import { callerOf, jsonBody, pathParameter } from '../src/http/request';
import { json } from '../src/http/response';
import { httpRoute } from '../src/http/route';
import { alertDecided, alertResolvedByHand, observe } from '../src/observability';
import { approveAlert, decisionLatencyMs, rejectAlert, resolveAlert } from '../src/use-cases/decide-alert';

const settings = settingsFor('decideAlert');
const { doc } = awsClients(settings);
const deps = { alerts: new DynamoAlertStore({ doc, tableName: settings.ALERTS_TABLE }), clock: systemClock };

/**
 * POST /alerts/{alertId}/approve, /reject and /resolve (scope alerts/decide). The decider is the token's
 * subject, never a value from the body.
 */
export const handler = middy(
  httpRoute(async (event) => {
    const alertId = pathParameter(event, 'alertId');
    const actor = callerOf(event);
    if (event.routeKey.endsWith('/resolve')) {
      const resolved = await resolveAlert(alertId, jsonBody(event), actor, deps);
      alertResolvedByHand(resolved, actor);
      return json(200, resolved);
    }
    const approving = event.routeKey.endsWith('/approve');
    const alert = approving
      ? await approveAlert(alertId, actor, deps)
      : await rejectAlert(alertId, jsonBody(event), actor, deps);
    alertDecided(alert, approving, actor, decisionLatencyMs(alert));
    return json(200, alert);
  }),
).use(observe());
