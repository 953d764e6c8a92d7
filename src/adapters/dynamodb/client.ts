import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoDbClientConfig {
  region: string;
  /** Set locally and in tests (DynamoDB Local); unset in Lambda, where the regional endpoint applies. */
  endpoint?: string;
  /** Unset in Lambda (the execution role); DynamoDB Local needs some, of the right shape. */
  credentials?: DynamoDBClientConfig['credentials'];
}

/** The document client every store uses; undefined attributes are dropped instead of rejected. */
export const dynamoDbDocumentClient = (config: DynamoDbClientConfig): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
