import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { withoutSdkCallLog } from '../../adapters/sdk-call-log';
import { LOCAL_CREDENTIALS } from '../../local/dynamodb-local';
import { loadServiceDefinition, tableNameOf } from '../../local/service-definition';
import type { Target } from '../target';

/** The stage's tables a backtest reads, the client to read them with, and the stage's current override. */
export interface StageTables {
  client: DynamoDBClient;
  metricsTable: string;
  alertsTable: string;
  /** The stage's `ruleThresholds` parameter as serverless.yml resolves it ('' = the defaults). */
  currentOverride: string;
}

/**
 * Like `doctor`: DynamoDB (Local) when an endpoint is found (the running local runtime's, by default),
 * else AWS for --stage/--region with the usual credential chain. Table names and the current thresholds
 * come from the service definition of the stage, so they are what the stage deploys.
 */
export const stageTables = async (target: Target): Promise<StageTables> => {
  const definition = await loadServiceDefinition(target.stage.value);
  const endpoint = target.dynamodb?.value;
  const client = withoutSdkCallLog(
    new DynamoDBClient({
      region: target.region.value,
      ...(endpoint ? { endpoint, credentials: LOCAL_CREDENTIALS } : {}),
    }),
  );
  const override = definition.functions.evaluateMetrics?.environment?.RULE_THRESHOLDS;
  return {
    client,
    metricsTable: tableNameOf(definition, 'MetricsTable'),
    alertsTable: tableNameOf(definition, 'AlertsTable'),
    currentOverride: typeof override === 'string' ? override : '',
  };
};
