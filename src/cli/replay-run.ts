import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type AttributeValue,
  DeleteItemCommand,
  DynamoDBClient,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, type Shard } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { startLocalAwsEndpoints } from '../local/aws-endpoints/server';
import { createTables } from '../local/create-tables';
import { LOCAL_CREDENTIALS, localClientConfig, startDynamoDbLocal } from '../local/dynamodb-local';
import { startFunction } from '../local/functions';
import { functionEnvironment } from '../local/local-resources';
import {
  loadServiceDefinition,
  type ServiceDefinition,
  tableNameOf,
  tableResources,
} from '../local/service-definition';
import {
  type DeadLetterEntry,
  type DynamoDBTimeWindowEventResponse,
  eventSourceMappingsOf,
  isTimeWindowEvent,
  matchesAnyFilter,
} from '../local/stream-poller';
import { processRecords } from '../local/stream-poller/batch-processor';
import { type StreamEntry, toStreamEntry } from '../local/stream-poller/lambda-record';
import { createShardReader, describeShards } from '../local/stream-poller/shard-reader';
import { silentLogger } from '../local/stream-poller/types';
import { type CommonOptions, output } from './common-options';
import { CliError } from './errors';
import { captureHandlerLogs, formatHandlerError, type HandlerLogSummary } from './handler-logs';
import { type PreviewLine, previewerFor } from './replay-preview';
import { stageHint } from './stage-hint';
import type { Target } from './target';

export interface ReplayOptions extends CommonOptions {
  function: string;
  fromStream?: string;
  dryRun: boolean;
}

/** Recorded events: a file or a folder of *.json, each a stream event, an array of records, or one record. */
const readRecordedEvents = async (source: string): Promise<DynamoDBRecord[]> => {
  const files = (await stat(source)).isDirectory()
    ? (await readdir(source))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(source, f))
    : [source];
  const records: DynamoDBRecord[] = [];
  for (const file of files) {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    const list = Array.isArray(parsed) ? parsed : ((parsed as { Records?: unknown }).Records ?? [parsed]);
    if (!Array.isArray(list)) throw new Error(`${file}: not a stream event, a list of records or a record`);
    records.push(...(list as DynamoDBRecord[]));
  }
  return records;
};

/**
 * Every record of a live stream (DynamoDB Local or AWS) from its start, parents' shards first, read with
 * the pollers' shard reader (and so its recovery from expired iterators and trimmed positions).
 */
const readStream = async (client: DynamoDBStreamsClient, streamArn: string): Promise<DynamoDBRecord[]> => {
  const signal = new AbortController().signal;
  const shards = await describeShards(client, streamArn, signal);
  const startOf = (shard: Shard) => BigInt(shard.SequenceNumberRange?.StartingSequenceNumber ?? '0');
  const records: DynamoDBRecord[] = [];
  for (const shard of shards.sort((a, b) => (startOf(a) < startOf(b) ? -1 : 1))) {
    if (!shard.ShardId) continue;
    const reader = createShardReader({
      client,
      streamArn,
      shardId: shard.ShardId,
      position: { type: 'TRIM_HORIZON' },
      logger: silentLogger,
    });
    // An open shard has no end: stop once it has nothing more to give. A closed one ends by itself.
    const open = shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
    for (;;) {
      const page = await reader.read(signal);
      for (const r of page.records)
        records.push(toStreamEntry(r, streamArn, { readAtMs: Date.now() }).record);
      if (page.ended || (page.records.length === 0 && open)) break;
    }
  }
  return records;
};

/**
 * A private DynamoDB Local starts empty, but the handler reads the table its stream comes from (the
 * evaluator reads each station's window): put the records' images there first, in stream order.
 */
const seedSourceTable = async (
  client: DynamoDBClient,
  definition: ServiceDefinition,
  tableLogicalId: string,
  records: readonly DynamoDBRecord[],
): Promise<void> => {
  const TableName = tableNameOf(definition, tableLogicalId);
  // aws-lambda's AttributeValue and the SDK's are the same wire shape with different TypeScript types.
  type Image = Record<string, AttributeValue>;
  for (const record of records) {
    const { NewImage, Keys } = record.dynamodb ?? {};
    if (record.eventName === 'REMOVE' && Keys)
      await client.send(new DeleteItemCommand({ TableName, Key: Keys as Image }));
    else if (NewImage) await client.send(new PutItemCommand({ TableName, Item: NewImage as Image }));
  }
};

/** readAtMs stands in for a missing ApproximateCreationDateTime (tumbling windows), as when the poller reads. */
const asEntry = (record: DynamoDBRecord, readAtMs: number): StreamEntry => {
  const created = record.dynamodb?.ApproximateCreationDateTime;
  return {
    record,
    sequenceNumber: record.dynamodb?.SequenceNumber ?? '',
    createdAtMs: created === undefined ? undefined : created * 1000,
    ageFromMs: readAtMs,
  };
};

type ReplayResponse = DynamoDBBatchResponse | DynamoDBTimeWindowEventResponse | undefined;

/**
 * Every table of the stage exists at the given DynamoDB, or a NOT_FOUND that names the fix ("found
 * ai-ops-*-local tables: pass --stage local") instead of a stack trace per record.
 */
const assertTablesExist = async (
  client: DynamoDBClient,
  definition: ServiceDefinition,
  stage: string,
): Promise<void> => {
  const names = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const name of page.TableNames ?? []) names.add(name);
    start = page.LastEvaluatedTableName;
  } while (start);
  const missing = tableResources(definition)
    .map((t) => tableNameOf(definition, t.logicalId))
    .filter((name) => !names.has(name));
  if (missing.length === 0) return;
  const hint = await stageHint(client, stage);
  throw new CliError(
    'NOT_FOUND',
    `${missing.join(', ')} not found at this DynamoDB (stage ${stage})${hint ? `: ${hint}` : ''}`,
  );
};

/** Runs `ai-ops replay` (commands/replay.ts holds its options); loaded only when it runs. */
export const runReplay = async (
  source: string | undefined,
  options: ReplayOptions,
  target: Target,
): Promise<void> => {
  const stage = target.stage.value;
  const region = target.region.value;
  const definition = await loadServiceDefinition(stage);
  const mapping = eventSourceMappingsOf(definition).find((m) => m.functionName === options.function);
  if (!mapping) {
    const names = eventSourceMappingsOf(definition).map((m) => m.functionName);
    throw new CliError(
      'USAGE',
      `${options.function} has no stream event in serverless.yml (stream functions: ${names.join(', ')})`,
    );
  }
  if (!source && !options.fromStream)
    throw new CliError('USAGE', 'give a recorded event file or folder, or --from-stream ARN');
  // Recorded files run against a private DynamoDB Local unless a DynamoDB is named (flag, environment,
  // config); a live stream is read where it is, the running local runtime's included.
  const given =
    options.fromStream || target.dynamodb?.from !== 'runtime file' ? target.dynamodb?.value : undefined;

  let records: DynamoDBRecord[];
  if (options.fromStream) {
    const streams = new DynamoDBStreamsClient({
      region,
      ...(given ? { endpoint: given, credentials: LOCAL_CREDENTIALS } : {}),
    });
    records = await readStream(streams, options.fromStream);
  } else {
    records = await readRecordedEvents(source ?? '');
  }
  const { filterPatterns, maximumRetryAttempts } = mapping.settings;
  const matching = records.filter((r) =>
    matchesAnyFilter(filterPatterns, r as unknown as Parameters<typeof matchesAnyFilter>[1]),
  );

  if (options.dryRun) {
    const preview = previewerFor(options.function);
    const lines: PreviewLine[] = [];
    for (const record of matching) lines.push(await preview(record));
    output(
      target,
      {
        function: options.function,
        records: records.length,
        filteredOut: records.length - matching.length,
        preview: lines,
      },
      () =>
        [
          `${options.function}: ${records.length} record(s), ${records.length - matching.length} filtered out by the event's filter patterns (dry run: nothing written)`,
          ...lines.map((l) => `${l.sequenceNumber} ${l.eventName.padEnd(6)} ${l.would.join('; ')}`),
        ].join('\n'),
    );
    return;
  }

  // The handler runs in its own instance, against the given DynamoDB or a private DynamoDB Local.
  if (given) await assertTablesExist(new DynamoDBClient(localClientConfig(given)), definition, stage);
  const sandbox = given ? undefined : await startDynamoDbLocal();
  const endpoint = given ?? sandbox?.endpoint ?? '';
  const sideEffects: string[] = [];
  const aws = await startLocalAwsEndpoints({
    startExecution: async ({ stateMachineArn, name }) => {
      sideEffects.push(`StartExecution ${name}`);
      return {
        executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
        startDate: Date.now(),
      };
    },
    publish: async ({ topicArn, subject }) => {
      sideEffects.push(`Publish ${subject ?? ''} -> ${topicArn}`);
      return { messageId: `replay-${sideEffects.length}` };
    },
  });
  try {
    if (sandbox) {
      const client = new DynamoDBClient(localClientConfig(endpoint));
      await createTables(client, tableResources(definition));
      await seedSourceTable(client, definition, mapping.tableLogicalId, matching);
    }
    const pool = await startFunction(definition, options.function, {
      ...functionEnvironment(definition, options.function),
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      DYNAMODB_ENDPOINT: endpoint,
      SFN_ENDPOINT: aws.url,
      SNS_ENDPOINT: aws.url,
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_XRAY_MANUAL_MODE: 'true',
      // The batch responses are this command's output: no EMF lines in between.
      POWERTOOLS_METRICS_DISABLED: 'true',
      // INFO at least: the summary counts the alerts the handler says it raised, merged and resolved.
      LOG_LEVEL:
        process.env.LOG_LEVEL === 'DEBUG' || process.env.LOG_LEVEL === 'TRACE'
          ? process.env.LOG_LEVEL
          : 'INFO',
    });
    const invocations: {
      records: number;
      response: ReplayResponse;
      error?: string;
      /** With tumbling windows: the event's window and whether it was the window's final invocation. */
      window?: { start: string; end: string; final: boolean };
    }[] = [];
    const deadLetters: DeadLetterEntry[] = [];
    // Final invocations of tumbling windows that kept failing (the poller would retry them forever).
    const abandonedWindows: string[] = [];
    // One line per failing record as it happens (not in --json: the report lists them).
    const capture = captureHandlerLogs({
      echo: options.verbose,
      ...(target.json
        ? {}
        : { onError: (error) => process.stderr.write(`error  ${formatHandlerError(error)}\n`) }),
    });
    let logs: HandlerLogSummary | undefined;
    try {
      const readAtMs = Date.now();
      await processRecords(
        matching.map((record) => asEntry(record, readAtMs)),
        {
          shardId: 'replay',
          streamArn: options.fromStream ?? 'replay',
          functionName: options.function,
          functionArn: `arn:aws:lambda:local:000000000000:function:${options.function}`,
          settings: { ...mapping.settings, maximumRecordAgeInSeconds: -1 },
          invoke: async (event) => {
            const window = isTimeWindowEvent(event)
              ? { window: { ...event.window, final: event.isFinalInvokeForWindow } }
              : {};
            try {
              const response = (await pool.invoke(event)) as ReplayResponse;
              invocations.push({ records: event.Records.length, response, ...window });
              return response;
            } catch (error) {
              invocations.push({
                records: event.Records.length,
                response: undefined,
                error: String(error),
                ...window,
              });
              throw error;
            }
          },
          deadLetter: async (entry) => void deadLetters.push(entry),
          commit: async () => {},
          retryDelayMs: 0,
          sleep: async () => true,
          stopping: () => false,
          now: () => Date.now(),
          // Tried as often as a batch would be; -1 keeps Lambda's "until it succeeds".
          finalInvokeAttempts: maximumRetryAttempts >= 0 ? maximumRetryAttempts + 1 : undefined,
          logger: {
            debug: () => {},
            info: () => {},
            warn: () => {},
            error: (message, extra) => void abandonedWindows.push(`${message}: ${JSON.stringify(extra)}`),
          },
        },
      );
    } finally {
      await pool.stop();
      logs = capture.stop();
    }
    const failedRecords = invocations.reduce(
      (n, inv) => n + (inv.error ? inv.records : (inv.response?.batchItemFailures?.length ?? 0)),
      0,
    );
    const summary = {
      records: records.length,
      filteredOut: records.length - matching.length,
      batches: invocations.length,
      failures: failedRecords,
      deadLetters: deadLetters.length,
      alertsRaised: logs.raised,
      alertsMerged: logs.merged,
      alertsResolved: logs.resolved,
    };
    output(
      target,
      {
        function: options.function,
        records: records.length,
        filteredOut: records.length - matching.length,
        invocations,
        deadLetters,
        ...(abandonedWindows.length > 0 ? { abandonedWindows } : {}),
        sideEffects,
        handlerErrors: logs.errors,
        summary,
      },
      () =>
        [
          // Each batch's response only with --verbose: the summary says what happened.
          ...(options.verbose
            ? invocations.map(
                (inv, n) =>
                  `  #${n + 1} ${inv.window?.final ? `final invocation of window ${inv.window.start}` : `${inv.records} record(s)`} -> ${inv.error ? `threw: ${inv.error}` : JSON.stringify(inv.response ?? null)}`,
              )
            : invocations
                .filter((inv) => inv.error || (inv.response?.batchItemFailures?.length ?? 0) > 0)
                .map(
                  (inv) =>
                    `  batch of ${inv.records}: ${inv.error ? `threw: ${inv.error}` : `failed ${inv.response?.batchItemFailures?.map((f) => f.itemIdentifier).join(', ')}`}`,
                )),
          ...deadLetters.map(
            (d) =>
              `  dead letter: ${d.requestContext.condition} ${d.DDBStreamBatchInfo.startSequenceNumber}..${d.DDBStreamBatchInfo.endSequenceNumber}`,
          ),
          ...abandonedWindows.map((w) => `  ${w}`),
          ...sideEffects.map((s) => `  side effect: ${s}`),
          `${options.function}: ${summary.records} record(s) (${summary.filteredOut} filtered out), ${summary.batches} batch(es), ${summary.failures} failure(s), ${summary.deadLetters} dead letter(s); alerts raised ${summary.alertsRaised}, merged ${summary.alertsMerged}, resolved ${summary.alertsResolved}`,
        ].join('\n'),
    );
    if (deadLetters.length > 0 || abandonedWindows.length > 0) process.exitCode = 1;
  } finally {
    await aws.close();
    await sandbox?.stop();
  }
};
