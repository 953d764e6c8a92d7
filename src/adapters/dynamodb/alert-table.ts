import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApprovalDeadlines } from '../../domain/lifecycle';
import type { RetryPolicy } from './backoff';

/** What the alert operations share: the table and how they retry transaction conflicts. */
export interface AlertTable {
  doc: DynamoDBDocumentClient;
  tableName: string;
  retry: RetryPolicy;
  /** A new PENDING alert's deadline, and how a severity raise shortens it. */
  deadlines: ApprovalDeadlines;
}
