import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RuntimeSettings } from '../config';
import { tracer } from '../observability';
import { dynamoDbClient, dynamoDbDocumentClient } from './dynamodb/client';
import { standardRetriesPerRequest } from './retry-quota';
import { sfnClient } from './sfn/remediation-workflow';
import { snsClient } from './sns/alert-notifier';

export interface AwsClients {
  /** The document client every store uses. */
  readonly doc: DynamoDBDocumentClient;
  /** A plain client, for Powertools' idempotency layer, which marshals items itself. */
  readonly dynamoDb: DynamoDBClient;
  readonly sfn: SFNClient;
  readonly sns: SNSClient;
}

/**
 * The one place a function's SDK clients are built: region and endpoint from its settings, each client
 * traced by X-Ray. Built on first use, so a function pays only for the clients it touches.
 */
export const awsClients = (
  settings: RuntimeSettings,
  /**
   * `dynamoDbMaxAttempts`: attempts per DynamoDB request (the SDK's default is 3).
   * `retryQuotaPerRequest`: each request's retries are bounded by its attempts alone, not also by a
   * quota the client's requests share (src/adapters/retry-quota.ts).
   */
  options: { dynamoDbMaxAttempts?: number; retryQuotaPerRequest?: boolean } = {},
): AwsClients => {
  const region = settings.AWS_REGION;
  const maxAttempts = options.dynamoDbMaxAttempts ? { maxAttempts: options.dynamoDbMaxAttempts } : {};
  const perRequest = (attempts: number) =>
    options.retryQuotaPerRequest ? { retryStrategy: standardRetriesPerRequest(attempts) } : {};
  const SDK_DEFAULT_ATTEMPTS = 3;
  const dynamoDbRetries = perRequest(options.dynamoDbMaxAttempts ?? SDK_DEFAULT_ATTEMPTS);
  let doc: DynamoDBDocumentClient | undefined;
  let dynamoDb: DynamoDBClient | undefined;
  let sfn: SFNClient | undefined;
  let sns: SNSClient | undefined;
  return {
    get doc() {
      doc ??= tracer.captureAWSv3Client(
        dynamoDbDocumentClient({
          region,
          endpoint: settings.DYNAMODB_ENDPOINT,
          ...maxAttempts,
          ...dynamoDbRetries,
        }),
      );
      return doc;
    },
    get dynamoDb() {
      dynamoDb ??= tracer.captureAWSv3Client(
        dynamoDbClient({
          region,
          ...(settings.DYNAMODB_ENDPOINT ? { endpoint: settings.DYNAMODB_ENDPOINT } : {}),
          ...maxAttempts,
          ...dynamoDbRetries,
        }),
      );
      return dynamoDb;
    },
    get sfn() {
      sfn ??= tracer.captureAWSv3Client(
        sfnClient({ region, endpoint: settings.SFN_ENDPOINT, ...perRequest(SDK_DEFAULT_ATTEMPTS) }),
      );
      return sfn;
    },
    get sns() {
      sns ??= tracer.captureAWSv3Client(
        snsClient({ region, endpoint: settings.SNS_ENDPOINT, ...perRequest(SDK_DEFAULT_ATTEMPTS) }),
      );
      return sns;
    },
  };
};
