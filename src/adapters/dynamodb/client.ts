import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { processCapacity } from '../../observability/consumed-capacity';
import { withoutSdkCallLog } from '../sdk-call-log';
import { recordConsumedCapacity } from './consumed-capacity';

export interface DynamoDbClientConfig {
  region: string;
  /** Set locally and in tests (DynamoDB Local); unset in Lambda, where the regional endpoint applies. */
  endpoint?: string;
  /** Unset in Lambda (the execution role); DynamoDB Local needs some, of the right shape. */
  credentials?: DynamoDBClientConfig['credentials'];
  /** Attempts per request, retries included (the SDK's default is 3). */
  maxAttempts?: number;
  /** Replaces the SDK's standard retries (tests: a shorter backoff). */
  retryStrategy?: DynamoDBClientConfig['retryStrategy'];
}

/** A plain client whose every request's consumed capacity is recorded in this process's ledger. */
export const dynamoDbClient = (config: DynamoDbClientConfig): DynamoDBClient =>
  recordConsumedCapacity(
    withoutSdkCallLog(
      new DynamoDBClient({
        region: config.region,
        ...(config.endpoint ? { endpoint: config.endpoint } : {}),
        ...(config.credentials ? { credentials: config.credentials } : {}),
        ...(config.maxAttempts ? { maxAttempts: config.maxAttempts } : {}),
        ...(config.retryStrategy ? { retryStrategy: config.retryStrategy } : {}),
      }),
    ),
    processCapacity,
  );

/** The document client every store uses; undefined attributes are dropped instead of rejected. */
export const dynamoDbDocumentClient = (config: DynamoDbClientConfig): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(dynamoDbClient(config), { marshallOptions: { removeUndefinedValues: true } });
