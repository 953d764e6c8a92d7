import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { resetConfig } from '../../../src/config';
import { httpApiEvent } from '../../support/http-api-event';
import { metric } from '../../support/metric-factory';
import type { TestTables } from '../../support/tables';

export type IngestHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The real handler module, loaded after the environment points it at the test's metrics table on
 * DynamoDB Local (the module reads its configuration once, when it is imported).
 */
export const loadIngestHandler = async (tables: TestTables): Promise<IngestHandler> => {
  Object.assign(process.env, {
    STAGE: 'test',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    METRICS_TABLE: tables.names.metrics,
    DYNAMODB_ENDPOINT: tables.endpoint,
  });
  resetConfig();
  const { handler } = await import('../../../handlers/ingest-metrics');
  return async (event, context) => (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
};

/** A minimal Lambda context: what the middlewares read. */
export const lambdaContext = (): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'ai-ops-test-ingestMetrics',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:ai-ops-test-ingestMetrics',
  memoryLimitInMB: '256',
  awsRequestId: randomUUID(),
  logGroupName: '/aws/lambda/ai-ops-test-ingestMetrics',
  logStreamName: '2026/01/01/[$LATEST]local',
  getRemainingTimeInMillis: () => 29_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
});

/** An HTTP API (payload 2.0) POST /metrics as API Gateway sends it after the JWT authorizer let it in. */
export const postMetricsEvent = (
  body: string | undefined,
  options: { headers?: Record<string, string>; isBase64Encoded?: boolean; sub?: string } = {},
): APIGatewayProxyEventV2WithJWTAuthorizer =>
  httpApiEvent({
    ...(options.headers ? { headers: options.headers } : {}),
    isBase64Encoded: options.isBase64Encoded ?? false,
    claims: { sub: options.sub ?? 'station-gateway' },
    ...(body === undefined ? {} : { body }),
  });

/** A valid metric as a station sends it. */
export const validMetric = (
  stationId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> => ({
  ...metric({
    stationId,
    timestamp: Date.now() - 60_000,
    swapRate: 12.5,
    chargerUptime: 97.5,
    chargedBatteries: 14,
    unchargedBatteries: 3,
    errorLogs: ['E_TEMP_HIGH'],
  }),
  ...overrides,
});

/** Every stored row of a station, oldest first. */
export const storedRows = async (
  tables: TestTables,
  stationId: string,
): Promise<Record<string, unknown>[]> => {
  const out = await tables.doc.send(
    new QueryCommand({
      TableName: tables.names.metrics,
      KeyConditionExpression: 'stationId = :s',
      ExpressionAttributeValues: { ':s': stationId },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
};

export const bodyOf = (response: APIGatewayProxyStructuredResultV2): unknown =>
  response.body === undefined ? undefined : (JSON.parse(response.body) as unknown);
