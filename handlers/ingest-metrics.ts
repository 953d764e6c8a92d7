import middy from '@middy/core';
import { awsClients } from '../src/adapters/aws-clients';
import { DynamoMetricStore } from '../src/adapters/dynamodb/metric-store';
import { settingsFor } from '../src/config';
import { ValidationError } from '../src/domain/errors';
import { MAX_BODY_BYTES } from '../src/domain/metric-schema';
import { systemClock } from '../src/domain/ports';
import { jsonBody } from '../src/http/request';
import { json } from '../src/http/response';
import { httpRoute } from '../src/http/route';
import { observe, readingsAccepted, readingsRejected } from '../src/observability';
import { ingestMetrics } from '../src/use-cases/ingest-metrics';

const settings = settingsFor('ingestMetrics');
const metrics = new DynamoMetricStore({ doc: awsClients(settings).doc, tableName: settings.METRICS_TABLE });

/**
 * POST /metrics (scope metrics/write): one metric or up to 500, all or nothing -> 202 { accepted }; a body
 * over MAX_BODY_BYTES is refused before it is parsed.
 */
export const handler = middy(
  httpRoute(async (event) => {
    try {
      const result = await ingestMetrics(jsonBody(event, { maxBytes: MAX_BODY_BYTES }), {
        metrics,
        clock: systemClock,
      });
      readingsAccepted(result);
      return json(202, { accepted: result.accepted });
    } catch (error) {
      if (error instanceof ValidationError) readingsRejected();
      throw error;
    }
  }),
).use(observe());
