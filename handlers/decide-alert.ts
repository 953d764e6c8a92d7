import middy from '@middy/core';
import { awsClients } from '../src/adapters/aws-clients';
import { DynamoAlertStore } from '../src/adapters/dynamodb/alert-store';
import { DynamoSilenceStore } from '../src/adapters/dynamodb/silence-store';
import { settingsFor } from '../src/config';
import { systemClock } from '../src/domain/ports';
import { callerOf, jsonBody, pathParameter } from '../src/http/request';
import { json } from '../src/http/response';
import { httpRoute } from '../src/http/route';
import { alertDecided, alertResolvedByHand, observe, silenceChanged } from '../src/observability';
import { approveAlert, decisionLatencyMs, rejectAlert, resolveAlert } from '../src/use-cases/decide-alert';
import { addSilence, endSilence } from '../src/use-cases/manage-silences';

const settings = settingsFor('decideAlert');
const { doc } = awsClients(settings);
const tableName = settings.ALERTS_TABLE;
const deps = { alerts: new DynamoAlertStore({ doc, tableName }), clock: systemClock };
const silences = { silences: new DynamoSilenceStore({ doc, tableName }), clock: systemClock };

/** Approve, reject, resolve; add and end silences (scope alerts/decide). The actor is the token's subject. */
export const handler = middy(
  httpRoute(async (event) => {
    const actor = callerOf(event);
    if (event.routeKey === 'POST /silences')
      return json(201, silenceChanged(await addSilence(jsonBody(event), actor, silences), actor));
    if (event.routeKey === 'DELETE /silences/{silenceId}') {
      const silenceId = pathParameter(event, 'silenceId');
      return json(200, silenceChanged(await endSilence(silenceId, actor, silences), actor));
    }
    const alertId = pathParameter(event, 'alertId');
    if (event.routeKey.endsWith('/resolve'))
      return json(200, alertResolvedByHand(await resolveAlert(alertId, jsonBody(event), actor, deps), actor));
    const approving = event.routeKey.endsWith('/approve');
    const alert = approving
      ? await approveAlert(alertId, actor, deps)
      : await rejectAlert(alertId, jsonBody(event), actor, deps);
    alertDecided(alert, approving, actor, decisionLatencyMs(alert));
    return json(200, alert);
  }),
).use(observe());
