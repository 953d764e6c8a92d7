import middy from '@middy/core';
import { dynamoDbDocumentClient } from '../src/adapters/dynamodb/client';
import { DynamoMetricStore } from '../src/adapters/dynamodb/metric-store';
import { config, required } from '../src/config';
import { ValidationError } from '../src/domain/errors';
import { systemClock } from '../src/domain/ports';
import { jsonBody } from '../src/http/request';
import { json } from '../src/http/response';
import { httpRoute } from '../src/http/route';
import { countReadings, logger, observe, tracer } from '../src/observability';
import { ingestMetrics } from '../src/use-cases/ingest-metrics';

const { region, endpoints, tables } = config();
const metrics = new DynamoMetricStore({
  doc: tracer.captureAWSv3Client(dynamoDbDocumentClient({ region, endpoint: endpoints.dynamodb })),
  tableName: required(tables.metrics, 'METRICS_TABLE'),
});

/** POST /metrics (scope metrics/write): one metric or up to 500, all or nothing -> 202 { accepted }. */
export const handler = middy(
  httpRoute(async (event) => {
    try {
      const { accepted, stations } = await ingestMetrics(jsonBody(event), { metrics, clock: systemClock });
      countReadings('Received', accepted);
      logger.info('metrics accepted', {
        accepted,
        stations: stations.length,
        stationIds: stations.slice(0, 20),
      });
      return json(202, { accepted });
    } catch (error) {
      if (error instanceof ValidationError) countReadings('Rejected', 1);
      throw error;
    }
  }),
).use(observe());
