import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../src/local/dynamodb-local';
import { loadServiceDefinition, type TableResource, tableResources } from '../src/local/service-definition';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    tableResources: TableResource[];
  }
}

let dynamodb: DynamoDbLocal | undefined;

/** One DynamoDB Local for the run; the table definitions come from serverless.yml + infra/ (stage "test"). */
export async function setup(project: TestProject): Promise<void> {
  const [local, definition] = await Promise.all([startDynamoDbLocal(), loadServiceDefinition('test')]);
  dynamodb = local;
  project.provide('dynamodbEndpoint', local.endpoint);
  project.provide('tableResources', tableResources(definition));
}

export async function teardown(): Promise<void> {
  await dynamodb?.stop();
}
