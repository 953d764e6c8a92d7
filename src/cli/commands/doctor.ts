import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { loadServiceDefinition, tableResources } from '../../local/service-definition';
import { type CommonOptions, output, subcommand } from '../common-options';
import { doctorPassed, formatDoctorReport, runDoctor } from '../doctor';

/**
 * `ai-ops doctor`: can we reach DynamoDB, and does every table of the stage exist, ACTIVE, with the
 * keys, indexes, stream and TTL serverless.yml declares? Against AWS it uses the usual credential chain.
 */
export const doctorCommand = (): Command =>
  subcommand(
    'doctor',
    'check the connection and that every table matches its definition',
    'DynamoDB endpoint (DynamoDB Local: http://127.0.0.1:PORT); AWS when left out',
  ).action(async (options: CommonOptions) => {
    const definition = await loadServiceDefinition(options.stage);
    const client = new DynamoDBClient({
      region: options.region,
      ...(options.endpoint
        ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
      maxAttempts: 2,
    });
    try {
      const checks = await runDoctor({ client, tables: tableResources(definition) });
      output(options, { stage: options.stage, passed: doctorPassed(checks), checks }, () =>
        formatDoctorReport(checks),
      );
      if (!doctorPassed(checks)) process.exitCode = 1;
    } finally {
      client.destroy();
    }
  });
