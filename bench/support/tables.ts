import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTables } from '../../src/local/create-tables';
import { type DynamoDbLocal, localClientConfig, startDynamoDbLocal } from '../../src/local/dynamodb-local';
import { loadServiceDefinition, tableResources } from '../../src/local/service-definition';

export interface BenchTables {
  dynamodb: DynamoDbLocal;
  /** The base client: middleware added to it (capacity, request counts) sees the document client's calls too. */
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  /** Physical table names by logical id, as the `bench` stage's service definition names them. */
  names: Record<string, string>;
}

/** A DynamoDB Local of the benchmark's own, with the `bench` stage's tables created from serverless.yml. */
export const startBenchTables = async (): Promise<BenchTables> => {
  const dynamodb = await startDynamoDbLocal();
  try {
    const definition = await loadServiceDefinition('bench');
    const client = new DynamoDBClient(localClientConfig(dynamodb.endpoint));
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const names = await createTables(client, tableResources(definition));
    return { dynamodb, client, doc, names };
  } catch (error) {
    await dynamodb.stop();
    throw error;
  }
};
