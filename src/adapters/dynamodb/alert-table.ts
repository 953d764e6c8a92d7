import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RetryPolicy } from './backoff';

/** What the alert operations share: the table and how they retry transaction conflicts. */
export interface AlertTable {
  doc: DynamoDBDocumentClient;
  tableName: string;
  retry: RetryPolicy;
}
