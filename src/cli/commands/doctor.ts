import type { Command } from 'commander';
import { reportFailures } from '../api-client';
import { type CommonOptions, optionsOf, output, subcommand, targetOf } from '../common-options';
import type { DoctorCheck } from '../doctor';
import { runtimeFileHint, type Target } from '../target';

/** Tables of the stage in the DynamoDB at `endpoint` (AWS when undefined) against their definition. */
const tableChecks = async (target: Target, endpoint: string | undefined): Promise<DoctorCheck[]> => {
  const [{ DynamoDBClient }, { loadServiceDefinition, tableResources }, { runDoctor }, { stageHint }] =
    await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('../../local/service-definition'),
      import('../doctor'),
      import('../stage-hint'),
    ]);
  const definition = await loadServiceDefinition(target.stage.value);
  const client = new DynamoDBClient({
    region: target.region.value,
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 2,
  });
  try {
    const checks = await runDoctor({ client, tables: tableResources(definition) });
    if (checks.some((c) => c.name.endsWith(': exists') && !c.ok)) {
      const hint = await stageHint(client, target.stage.value);
      if (hint) checks.push({ name: 'stage', ok: false, detail: hint });
    }
    return checks;
  } finally {
    client.destroy();
  }
};

/** Node, Java, the running runtime's health, its tables and a token round trip. */
const localChecks = async (target: Target): Promise<DoctorCheck[]> => {
  const { nodeCheck, javaCheck, healthCheck, tokenRoundTripCheck } = await import('../local-doctor');
  const checks = [nodeCheck(), javaCheck()];
  const runtime = target.runtime;
  if (!runtime?.apiUrl || !runtime.dynamodbEndpoint) {
    checks.push({
      name: 'runtime',
      ok: false,
      detail: `no running local runtime found (no live ${runtimeFileHint(target.dataFolder)}): start one with \`npm start\`, or pass --data for another data folder`,
    });
    return checks;
  }
  checks.push({
    name: 'runtime',
    ok: true,
    detail: `pid ${runtime.pid}, stage ${runtime.stage}, API ${runtime.apiUrl}, DynamoDB ${runtime.dynamodbEndpoint}, data ${runtime.dataFolder}`,
  });
  checks.push(await healthCheck(runtime.apiUrl));
  checks.push(...(await tableChecks(target, runtime.dynamodbEndpoint)));
  checks.push(await tokenRoundTripCheck(runtime.apiUrl));
  return checks;
};

/**
 * `ai-ops doctor`: with no flags, the local setup (Node, Java, the running runtime, its tables, a token
 * round trip). With --stage/--region (or --dynamodb-endpoint), that stage's tables: can we reach DynamoDB,
 * and does every table exist, ACTIVE, with the keys, indexes, stream and TTL serverless.yml declares?
 * Against AWS it uses the usual credential chain.
 */
export const doctorCommand = (): Command =>
  subcommand(
    'doctor',
    'check the local setup, or (with --stage/--region) that a stage’s tables match their definition',
  ).action(
    reportFailures(async (_options: CommonOptions, command: Command) => {
      const options = optionsOf(command);
      const target = targetOf(command);
      // No flag that points elsewhere: the local setup. --stage of the running runtime still means it.
      const local =
        options.dynamodbEndpoint === undefined &&
        options.region === undefined &&
        (target.dynamodb === undefined || target.dynamodb.from === 'runtime file') &&
        (options.stage === undefined || options.stage === target.runtime?.stage);
      const checks = local ? await localChecks(target) : await tableChecks(target, target.dynamodb?.value);
      const { doctorPassed, formatDoctorReport } = await import('../doctor');
      const passed = doctorPassed(checks);
      output(target, { mode: local ? 'local' : 'stage', stage: target.stage.value, passed, checks }, () =>
        formatDoctorReport(checks),
      );
      if (!passed) process.exitCode = 1;
    }),
  );
