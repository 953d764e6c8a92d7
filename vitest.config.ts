import { defineConfig } from 'vitest/config';
import { TEST_JVM_OPTIONS } from './test/support/test-jvm-options';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // One DynamoDB Local serves every file; each file creates its own tables (see test/support/tables.ts).
    pool: 'forks',
    testTimeout: 30_000,
    // A beforeAll that starts a whole local runtime (Java, tables, pollers) on a busy machine.
    hookTimeout: 120_000,
    env: {
      // The CLI prints local time with the zone: one zone for every machine the suite runs on.
      TZ: 'UTC',
      POWERTOOLS_DEV: 'false',
      LOG_LEVEL: 'SILENT',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
      // The Javas of the runtimes the tests start (in process or as `npm start`) run like the shared one.
      AIOPS_DYNAMODB_JVM_OPTIONS: TEST_JVM_OPTIONS.join(' '),
    },
  },
});
