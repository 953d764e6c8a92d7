import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { TableResource } from './service-definition';

interface CfnTableProperties {
  TableName: string;
  BillingMode?: 'PAY_PER_REQUEST' | 'PROVISIONED';
  AttributeDefinitions: AttributeDefinition[];
  KeySchema: KeySchemaElement[];
  GlobalSecondaryIndexes?: GlobalSecondaryIndex[];
  StreamSpecification?: { StreamViewType: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY' };
  TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
  SSESpecification?: { SSEEnabled: boolean };
}

/**
 * Maps a CloudFormation AWS::DynamoDB::Table to the CreateTable call that builds the same table.
 * The property names differ only in a few places (StreamEnabled, SSE's Enabled), hence no library.
 */
export const createTableInput = (resource: TableResource): CreateTableCommandInput => {
  const p = resource.properties as unknown as CfnTableProperties;
  return {
    TableName: p.TableName,
    BillingMode: p.BillingMode ?? 'PAY_PER_REQUEST',
    AttributeDefinitions: p.AttributeDefinitions,
    KeySchema: p.KeySchema,
    ...(p.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes } : {}),
    ...(p.StreamSpecification
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: p.StreamSpecification.StreamViewType } }
      : {}),
    ...(p.SSESpecification ? { SSESpecification: { Enabled: p.SSESpecification.SSEEnabled } } : {}),
  };
};

export const ttlOf = (resource: TableResource): CfnTableProperties['TimeToLiveSpecification'] =>
  (resource.properties as unknown as CfnTableProperties).TimeToLiveSpecification;

/**
 * Creates the tables of the definition that do not exist yet (a persisted data folder keeps them), with
 * their TTL. Point-in-time recovery has no local meaning, so it is left to the deployed stack.
 */
export const createTables = async (
  client: DynamoDBClient,
  tables: readonly TableResource[],
  rename: (name: string) => string = (name) => name,
): Promise<Record<string, string>> => {
  const names: Record<string, string> = {};
  await Promise.all(
    tables.map(async (table) => {
      const input = createTableInput(table);
      const name = rename(input.TableName ?? table.logicalId);
      names[table.logicalId] = name;
      try {
        await client.send(new CreateTableCommand({ ...input, TableName: name }));
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
        return;
      }
      const ttl = ttlOf(table);
      if (ttl?.Enabled) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
          }),
        );
      }
      await client.send(new DescribeTableCommand({ TableName: name }));
    }),
  );
  return names;
};
