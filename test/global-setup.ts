import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../src/local/dynamodb-local';
import { loadServiceDefinition, type TableResource, tableResources } from '../src/local/service-definition';
import { TEST_JVM_OPTIONS } from './support/test-jvm-options';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    tableResources: TableResource[];
    /** Where test/support/packaged-template.ts keeps each stage's packaged template for the run. */
    templateCacheDir: string;
  }
}

let dynamodb: DynamoDbLocal | undefined;
let templateCacheDir: string | undefined;

/** One DynamoDB Local for the run; the table definitions come from serverless.yml + infra/ (stage "test"). */
export async function setup(project: TestProject): Promise<void> {
  const [local, definition] = await Promise.all([
    startDynamoDbLocal({ jvmOptions: TEST_JVM_OPTIONS }),
    loadServiceDefinition('test'),
  ]);
  dynamodb = local;
  project.provide('dynamodbEndpoint', local.endpoint);
  project.provide('tableResources', tableResources(definition));
  templateCacheDir = await mkdtemp(join(tmpdir(), 'ai-ops-templates-'));
  project.provide('templateCacheDir', templateCacheDir);
}

export async function teardown(): Promise<void> {
  await dynamodb?.stop();
  if (templateCacheDir) await rm(templateCacheDir, { recursive: true, force: true });
}
