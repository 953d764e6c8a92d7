import middy from '@middy/core';
import { awsClients } from '../src/adapters/aws-clients';
import { DynamoStationMetrics } from '../src/adapters/dynamodb/station-metrics';
import { settingsFor } from '../src/config';
import { pathParameter } from '../src/http/request';
import { json } from '../src/http/response';
import { httpRoute } from '../src/http/route';
import { observe } from '../src/observability';
import { stationMetrics } from '../src/use-cases/query-station-metrics';

const settings = settingsFor('queryStationMetrics');
const { doc } = awsClients(settings);
const deps = { metrics: new DynamoStationMetrics(doc, settings.METRICS_TABLE) };

/** GET /stations/{stationId}/metrics (scope alerts/read): the operator console's station charts. */
export const handler = middy(
  httpRoute(async (event) =>
    json(
      200,
      await stationMetrics(pathParameter(event, 'stationId'), event.queryStringParameters ?? {}, deps),
    ),
  ),
).use(observe());
