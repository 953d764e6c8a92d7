import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createTables } from '../../src/local/create-tables';
import { localClientConfig } from '../../src/local/dynamodb-local';

export interface TestTables {
  endpoint: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  /** Physical names by logical id: MetricsTable, AlertsTable, AuditTable, IdempotencyTable. */
  names: { metrics: string; alerts: string; audit: string; idempotency: string };
}

/**
 * Fresh tables for one test file, created from the service definition on the shared DynamoDB Local
 * under a unique suffix, so files never see each other's rows.
 */
export const createTestTables = async (): Promise<TestTables> => {
  const endpoint = inject('dynamodbEndpoint');
  const client = new DynamoDBClient(localClientConfig(endpoint));
  const suffix = randomUUID().slice(0, 8);
  const byLogicalId = await createTables(client, inject('tableResources'), (name) => `${name}-${suffix}`);
  const name = (logicalId: string): string => {
    const value = byLogicalId[logicalId];
    if (!value) throw new Error(`the service definition has no table ${logicalId}`);
    return value;
  };
  return {
    endpoint,
    client,
    doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    names: {
      metrics: name('MetricsTable'),
      alerts: name('AlertsTable'),
      audit: name('AuditTable'),
      idempotency: name('IdempotencyTable'),
    },
  };
};
