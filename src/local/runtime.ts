import { availableParallelism, freemem } from 'node:os';
import { join, resolve } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { withoutSdkCallLog } from '../adapters/sdk-call-log';
import { type LocalAwsEndpoints, startLocalAwsEndpoints } from './aws-endpoints/server';
import { consoleFiles } from './console/files';
import { createTables } from './create-tables';
import { findDeadLetter, type RedriveResult, redriveDeadLetter } from './dead-letters';
import { redriveReply } from './dead-letters/reply';
import {
  type DynamoDbLocal,
  freePort,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localClientConfig,
  startDynamoDbLocal,
} from './dynamodb-local';
import { type ExecutionJournal, fileJournal, inMemoryJournal } from './execution-journal';
import { type FaultProxy, type FaultRates, startFaultProxy } from './fault-injection';
import {
  type LocalFunction,
  type LocalFunctionPool,
  type LocalFunctionStats,
  startFunction,
} from './functions';
import {
  createLocalHttpApi,
  httpRoutesOf,
  jwtAudiencesOf,
  type LocalHttpApi,
  LocalTokenIssuer,
  type RequestInfo,
  type RuntimePart,
} from './http-api';
import { functionEnvironment, resolveLocal } from './local-resources';
import { createNotificationSink, type Notification } from './notification-sink';
import { assertPortFree, claimDataFolder, runtimeFileOf } from './runtime-file';
import { schedulesOf, startSchedules } from './schedules';
import {
  loadServiceDefinition,
  type ServiceDefinition,
  tableNameOf,
  tableResources,
} from './service-definition';
import { createFleet, httpSender, runSimulator } from './simulator';
import {
  createFileCheckpointStore,
  createFileDeadLetter,
  createMemoryCheckpointStore,
  createStreamPoller,
  eventSourceMappingsOf,
  type PollerLogger,
  type StreamMappingSettings,
  type StreamPoller,
} from './stream-poller';
import { createRecordErrorLog, type RecordErrorLog, recordErrorsWriter } from './stream-poller/record-errors';
import { createLocalWorkflow, type ExecutionStatusChangeEvent } from './workflow-runner';

export interface LocalRuntimeOptions {
  /** Port of the HTTP API (0: any free port). */
  port: number;
  /** Persist tables, stream checkpoints, notifications, dead letters and logs here; in memory otherwise. */
  dataDir?: string;
  /** Where files go without --data (notifications, dead letters, logs). */
  scratchDir?: string;
  stage?: string;
  simulator?: { stations: number; intervalMs?: number; seed?: number };
  /** Stream poll interval; Lambda polls each shard 4 times a second. */
  pollIntervalMs?: number;
  /** Called with each request the local API served, and each notification published. */
  onRequest?(info: RequestInfo): void;
  onNotification?(notification: Notification): void;
  /** Called after each invocation of a stream-triggered function (benchmarks: where the time goes). */
  onStreamBatch?(batch: StreamBatchInfo): void;
  /** Adjusts a stream mapping's settings as read from serverless.yml, e.g. a benchmark trying another batchWindow. */
  streamSettings?(functionName: string, settings: StreamMappingSettings): StreamMappingSettings;
  /** The most instances of one function (benchmarks trying another pool size); two per core otherwise. */
  maxInstancesPerFunction?: number;
  logger: PollerLogger;
  /**
   * Share of the functions' requests to DynamoDB, Step Functions and SNS that fail (`--faults`). The
   * stream pollers and the local Step Functions are AWS itself and never fail.
   */
  faults?: FaultRates;
  /**
   * The runtime cannot go on (DynamoDB Local died without --data, or could not be restarted): it has
   * stopped itself; the caller should report `error` and exit non-zero.
   */
  onFatal?(error: Error): void;
}

export interface StreamBatchInfo {
  functionName: string;
  event: DynamoDBStreamEvent;
  /** When the poller called the function, epoch ms with sub-ms precision (performance.timeOrigin based). */
  startedAt: number;
  durationMs: number;
  /** The invocation threw (a partial batch response still counts as not failed). */
  failed: boolean;
}

export interface LocalRuntime {
  url: string;
  dynamodbEndpoint: string;
  definition: ServiceDefinition;
  /** runtime.json is where the `ai-ops` command finds this runtime (and the data folder's lock). */
  files: { notifications: string; deadLetters: string; logs: string; runtime: string };
  issuer: LocalTokenIssuer;
  /** Resolves once every stream poller has caught up (for tests and benchmarks). */
  idle(): Promise<void>;
  /**
   * Sends a dead-lettered range (an entry of files.deadLetters) through its function again, with its
   * mapping's settings; `ai-ops dead-letters redrive` (docs/operations.md).
   */
  redriveDeadLetter(id: string): Promise<RedriveResult & { functionName: string }>;
  /** Each part and whether it is up, as GET /health reports it. */
  health(): Record<string, RuntimePart>;
  /** The running DynamoDB Local's watchdog pid (Java is its child). */
  dynamodbWatchdogPid(): number | undefined;
  /** Each function's instances and invocations so far (benchmarks: did requests queue?). */
  functionStats(): Record<string, LocalFunctionStats>;
  stop(): Promise<void>;
}

/**
 * The most instances of one function. A function grows only while invocations queue (stream pollers
 * invoke one batch per shard at a time, so in practice only the HTTP API's functions grow). Two per core,
 * at least two. Fewer instances cost less CPU per invocation (each isolate has its own JIT, heap and
 * event-loop wake-ups: at one reading per request on 2 cores, ingestMetrics took 2.4 ms of CPU per
 * invocation with 2 instances, 3.4 with 4 and 4.3 with 8), but an instance also waits on DynamoDB Local,
 * and one per core left 2 instances serving 46 requests/s when a busy machine made an invocation take
 * 24-43 ms (docs/benchmarks.md, issue 13). Each costs a worker thread (~100 MB), hence the cap by free memory.
 */
const defaultMaxInstancesPerFunction = (): number =>
  Math.max(2, Math.min(2 * availableParallelism(), 16, Math.floor(freemem() / (256 * 1024 * 1024))));

/** The dummy credentials every local AWS client uses (DynamoDB Local checks their shape only). */
const LOCAL_AWS_ENV = {
  AWS_REGION: LOCAL_REGION,
  AWS_DEFAULT_REGION: LOCAL_REGION,
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  // Powertools reports cold starts only where Lambda sets this.
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  POWERTOOLS_TRACE_ENABLED: 'false',
  // With tracing off nothing reads the X-Ray context, but in its default (automatic) mode the X-Ray SDK
  // still installs an async hook with a destroy callback on import, which tracks every promise: about a
  // tenth of the evaluator's CPU in a profile of bench/pipeline. Manual mode installs none.
  AWS_XRAY_MANUAL_MODE: 'true',
};

/**
 * The whole pipeline on one machine: DynamoDB Local with the stack's tables, a stream poller per
 * stream-triggered function, the HTTP API with JWT auth, the remediation workflow from the same ASL
 * file, SNS to a local sink, and optionally the fleet simulator. Every piece is read from
 * serverless.yml (via `serverless print`) and every function is the same handler code Lambda runs.
 */
export const startLocalRuntime = async (options: LocalRuntimeOptions): Promise<LocalRuntime> => {
  const stage = options.stage ?? 'local';
  const filesDir = resolve(options.dataDir ?? options.scratchDir ?? '.ai-ops');
  const files = {
    notifications: join(filesDir, 'notifications.jsonl'),
    deadLetters: join(filesDir, 'dead-letters'),
    logs: join(filesDir, 'logs.jsonl'),
    runtime: runtimeFileOf(filesDir),
  };
  const stops: (() => Promise<void>)[] = [];
  // What is still starting when a start fails registers its stop once started: wait for it first.
  const starting: Promise<unknown>[] = [];
  /** Something started in the background: awaited later, and by stopAll (its failure is handled there). */
  const inBackground = <T>(promise: Promise<T>): Promise<T> => {
    starting.push(promise);
    promise.catch(() => undefined);
    return promise;
  };
  const stopAll = async () => {
    await Promise.allSettled(starting);
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };

  try {
    // One runtime per folder, and a taken port said plainly, both before Java starts.
    const claim = await claimDataFolder(filesDir, { stage, port: options.port });
    stops.push(async () => claim.release());
    await assertPortFree(options.port);

    // Java takes seconds to answer; the function instances start meanwhile, since all they need of it
    // is its endpoint (their clients connect on first use). Tables are created before anything runs.
    const dynamodbPort = await freePort();
    const dynamodbEndpoint = `http://127.0.0.1:${dynamodbPort}`;
    const dynamodbOptions = options.dataDir ? { dataDir: join(options.dataDir, 'dynamodb') } : {};
    const dynamodbStarting = inBackground(startDynamoDbLocal({ ...dynamodbOptions, port: dynamodbPort }));
    stops.push(async () => (await dynamodbStarting.catch(() => undefined))?.stop());
    const definition = await loadServiceDefinition(stage);
    const client = new DynamoDBClient(localClientConfig(dynamodbEndpoint));
    const tablesCreated = inBackground(
      dynamodbStarting.then(() => createTables(client, tableResources(definition))),
    );

    const sink = createNotificationSink(files.notifications, (n) => options.onNotification?.(n));
    // With --data, execution names outlive the process, as in Step Functions (issue 12).
    const journal = options.dataDir
      ? fileJournal(join(options.dataDir, 'step-functions', 'executions'))
      : inMemoryJournal();
    const workflow = await startWorkflow(definition, client, sink, () => functions, journal);
    const aws: LocalAwsEndpoints = await startLocalAwsEndpoints({
      startExecution: async ({ name, input }) => {
        const execution = workflow.start(name, JSON.parse(input) as unknown);
        return { executionArn: execution.executionArn, startDate: execution.startDate };
      },
      publish: (request) => sink(request),
    });
    stops.push(() => aws.close());

    // With --faults, the functions reach each service through a proxy that fails that share of requests.
    const faulty = async (service: 'dynamodb' | 'sfn' | 'sns', target: string): Promise<string> => {
      const rate = options.faults?.[service] ?? 0;
      if (rate <= 0) return target;
      const proxy: FaultProxy = await startFaultProxy({ service, target, rate });
      stops.push(() => proxy.close());
      return proxy.url;
    };
    // Each function gets the environment serverless.yml declares for it, pointed at the local endpoints.
    const localEnv = {
      ...LOCAL_AWS_ENV,
      DYNAMODB_ENDPOINT: await faulty('dynamodb', dynamodbEndpoint),
      SFN_ENDPOINT: await faulty('sfn', aws.url),
      SNS_ENDPOINT: await faulty('sns', aws.url),
      ...(process.env.LOG_LEVEL ? { LOG_LEVEL: process.env.LOG_LEVEL } : {}),
    };
    const maxInstances = Math.max(1, options.maxInstancesPerFunction ?? defaultMaxInstancesPerFunction());
    // Each function's last error per stream record, from its log lines, for the dead-letter entries.
    const recordErrors = new Map<string, RecordErrorLog>(
      Object.keys(definition.functions).map((name) => [name, createRecordErrorLog()]),
    );
    const startedPools: LocalFunctionPool[] = [];
    stops.push(async () => {
      await Promise.all(startedPools.map((pool) => pool.stop()));
    });
    const poolsStarting = Object.keys(definition.functions).map((name) => {
      const env: Record<string, string> = { ...functionEnvironment(definition, name), ...localEnv };
      if (env.STATE_MACHINE_ARN !== undefined) env.STATE_MACHINE_ARN = workflow.stateMachineArn;
      return inBackground(
        startFunction(definition, name, env, {
          concurrency: maxInstances,
          onOutput: (text) => recordErrors.get(name)?.observe(text),
        }).then((pool) => {
          startedPools.push(pool);
          return [name, pool] as const;
        }),
      );
    });
    const [pools] = await Promise.all([Promise.all(poolsStarting), tablesCreated]);
    const firstDynamodb = await dynamodbStarting;
    // Replaced when Java dies and is restarted on the same port and data (supervise, below).
    let dynamodb: DynamoDbLocal = firstDynamodb;
    let stopped = false;
    stops.push(async () => {
      stopped = true;
      if (dynamodb !== firstDynamodb) await dynamodb.stop();
    });
    const functions = new Map<string, LocalFunction>(
      pools.map(([name, pool]: readonly [string, LocalFunctionPool]) => [name, pool.invoke]),
    );

    const pollers = await startPollers(
      definition,
      dynamodb,
      functions,
      files.deadLetters,
      recordErrors,
      options,
    );
    stops.push(async () => {
      await Promise.all(pollers.map((p) => p.stop()));
    });
    // startPollers starts one per enabled mapping, in the mappings' order.
    const pollersRef = eventSourceMappingsOf(definition)
      .filter((m) => m.enabled)
      .flatMap((m, i) => {
        const poller = pollers[i];
        return poller ? [{ functionName: m.functionName, poller }] : [];
      });

    // Scheduled functions (serverless.yml `schedule` events) on their own period, with the same handler.
    stops.push(
      startSchedules(
        schedulesOf(definition),
        (name, event) => {
          const fn = functions.get(name);
          if (!fn) throw new Error(`no local function ${name}`);
          return fn(event);
        },
        (functionName, error) => options.logger.error('scheduled run failed', { functionName, error }),
      ),
    );

    const redriveById = async (id: string): Promise<RedriveResult & { functionName: string }> => {
      const { functionName } = await findDeadLetter(files.deadLetters, id);
      const mapping = eventSourceMappingsOf(definition).find((m) => m.functionName === functionName);
      const fn = functions.get(functionName);
      if (!mapping || !fn) throw new Error(`${functionName} is not a stream function of this runtime`);
      const errors = recordErrors.get(functionName) ?? createRecordErrorLog();
      const result = await redriveDeadLetter({
        dir: files.deadLetters,
        id,
        streamsClient: new DynamoDBStreamsClient(localClientConfig(dynamodb.endpoint)),
        settings: mapping.settings,
        invoke: (event) => fn(event) as Promise<DynamoDBBatchResponse | undefined>,
        deadLetter: recordErrorsWriter(
          createFileDeadLetter(join(files.deadLetters, `${functionName}.jsonl`)),
          errors,
        ),
        functionArn: `arn:aws:lambda:${LOCAL_REGION}:000000000000:function:${functionName}`,
        logger: options.logger,
      });
      return { ...result, functionName };
    };

    const health = (): Record<string, RuntimePart> => ({
      dynamodb: dynamodb.alive()
        ? { up: true, detail: dynamodb.endpoint }
        : { up: false, detail: options.dataDir ? 'down: restarting' : 'down' },
      ...Object.fromEntries(
        pollersRef.map((p) => [
          `poller:${p.functionName}`,
          p.poller.status().running ? { up: true } : { up: false, detail: 'stopped' },
        ]),
      ),
      // The workflow runner runs in this process: it is up whenever this answers.
      workflow: { up: true, detail: `${workflow.stateMachineArn}` },
    });

    const issuer = await LocalTokenIssuer.create({ audience: jwtAudiencesOf(definition) });
    let ready = false;
    const api: LocalHttpApi = await createLocalHttpApi({
      routes: httpRoutesOf(definition),
      invoke: (route, event) => {
        const fn = functions.get(route.functionName);
        if (!fn) throw new Error(`no local function ${route.functionName}`);
        return fn(event);
      },
      issuer,
      port: options.port,
      isReady: () => ready,
      runtime: {
        parts: () => health(),
        redriveDeadLetter: (id) => redriveReply(() => redriveById(id)),
      },
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
      // The operator console at /console: the page gets its tokens from /local/token itself.
      staticFiles: await consoleFiles({ mode: 'local' }),
    });
    stops.push(() => api.close());

    if (options.simulator) {
      const abort = new AbortController();
      const token = await issuer.issue({ sub: 'simulator', scopes: ['metrics/write'] });
      const run = runSimulator({
        fleet: createFleet({
          stations: options.simulator.stations,
          incidents: true,
          // One station goes silent and comes back, so STATION_OFFLINE shows within minutes.
          outage: true,
          ...(options.simulator.seed === undefined ? {} : { seed: options.simulator.seed }),
        }),
        intervalMs: options.simulator.intervalMs ?? 5000,
        send: httpSender({ url: api.url, token }),
        signal: abort.signal,
      });
      stops.push(async () => {
        abort.abort();
        await run.catch(() => undefined);
      });
    }
    // A DynamoDB Local that dies is restarted on its port and data folder, where the functions, pollers and
    // proxies already point; the pollers resume from their checkpoints. Without --data its tables were in
    // memory: the state is lost, and the runtime says so and stops rather than run on empty tables.
    const supervise = (instance: DynamoDbLocal): void =>
      instance.onUnexpectedExit((code) => {
        if (stopped) return;
        const fatal = (message: string) => {
          options.logger.error(message, { exitCode: code });
          void stopAll().finally(() => options.onFatal?.(new Error(message)));
        };
        if (!options.dataDir) {
          fatal(
            'DynamoDB Local died; its tables were in memory, so every table, stream and checkpoint is lost. The runtime stopped: start it again (with --data DIR to keep state across such a failure).',
          );
          return;
        }
        options.logger.error('DynamoDB Local died; restarting it on its data folder', { exitCode: code });
        startDynamoDbLocal({ ...dynamodbOptions, port: instance.port }).then(
          (next) => {
            if (stopped) return void next.stop();
            dynamodb = next;
            supervise(next);
            options.logger.info('DynamoDB Local restarted; its data survived (--data)', {
              endpoint: next.endpoint,
            });
          },
          (error: unknown) => fatal(`DynamoDB Local died and could not be restarted: ${String(error)}`),
        );
      });
    supervise(dynamodb);

    // Executions a killed runtime left RUNNING run again now that their functions are up.
    for (const execution of workflow.resumeInterrupted())
      options.logger.info('resumed an interrupted execution', { executionName: execution.name });
    ready = true;
    await claim.publish({ apiUrl: api.url, dynamodbEndpoint: dynamodb.endpoint });

    return {
      url: api.url,
      dynamodbEndpoint: dynamodb.endpoint,
      definition,
      files,
      issuer,
      idle: async () => {
        await Promise.all(pollers.map((p) => p.idle()));
      },
      redriveDeadLetter: redriveById,
      health,
      dynamodbWatchdogPid: () => dynamodb.watchdogPid,
      functionStats: () => Object.fromEntries(pools.map(([name, pool]) => [name, pool.stats()])),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};

/** The remediation workflow from the same ASL file, with its tasks bound to local code. */
const startWorkflow = async (
  definition: ServiceDefinition,
  client: DynamoDBClient,
  sink: ReturnType<typeof createNotificationSink>,
  functions: () => Map<string, LocalFunction>,
  journal: ExecutionJournal,
) => {
  const machine = definition.resources.Resources.RemediationStateMachine;
  const substitutions = Object.fromEntries(
    Object.entries((machine?.Properties?.DefinitionSubstitutions ?? {}) as Record<string, unknown>).map(
      ([k, v]) => [k, resolveLocal(definition, v)],
    ),
  );
  const planArn = substitutions.PlanRemediationFunctionArn ?? '';
  return createLocalWorkflow({
    journal,
    substitutions,
    stateMachineArn: resolveLocal(definition, { 'Fn::GetAtt': ['RemediationStateMachine', 'Arn'] }),
    updateAlert: (params) => client.send(new UpdateItemCommand(params)),
    publish: async (params) => {
      const attributes = Object.fromEntries(
        Object.entries(params.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? '']),
      );
      const { messageId } = await sink({
        topicArn: params.TopicArn ?? '',
        message: typeof params.Message === 'string' ? params.Message : JSON.stringify(params.Message),
        ...(params.Subject ? { subject: params.Subject } : {}),
        messageAttributes: attributes,
      });
      return { MessageId: messageId };
    },
    // As the EventBridge rule does: status changes go to recordWorkflowOutcome.
    onStatusChange: async (event: ExecutionStatusChangeEvent) => {
      await functions().get('recordWorkflowOutcome')?.(event);
    },
    lambdaFunctions: {
      [planArn]: (payload) => {
        const fn = functions().get('planRemediation');
        if (!fn) throw new Error('planRemediation is not loaded');
        return fn(payload);
      },
    },
  });
};

const startPollers = async (
  definition: ServiceDefinition,
  dynamodb: DynamoDbLocal,
  functions: Map<string, LocalFunction>,
  deadLetterDir: string,
  recordErrors: Map<string, RecordErrorLog>,
  options: LocalRuntimeOptions,
): Promise<StreamPoller[]> => {
  // Every poll goes through these: without the SDK's log middleware, as every function's clients are.
  const client = withoutSdkCallLog(new DynamoDBClient(localClientConfig(dynamodb.endpoint)));
  const streamsClient = withoutSdkCallLog(new DynamoDBStreamsClient(localClientConfig(dynamodb.endpoint)));
  const pollers: StreamPoller[] = [];
  for (const mapping of eventSourceMappingsOf(definition).filter((m) => m.enabled)) {
    const table = await client.send(
      new DescribeTableCommand({ TableName: tableNameOf(definition, mapping.tableLogicalId) }),
    );
    const streamArn = table.Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`${mapping.tableLogicalId} has no stream for ${mapping.functionName}`);
    const fn = functions.get(mapping.functionName);
    if (!fn) throw new Error(`no local function ${mapping.functionName}`);
    const onBatch = options.onStreamBatch;
    const poller = createStreamPoller({
      streamsClient,
      streamArn,
      settings: options.streamSettings?.(mapping.functionName, mapping.settings) ?? mapping.settings,
      // A stream handler answers with its batch response (ReportBatchItemFailures) or nothing.
      invoke: async (event: DynamoDBStreamEvent) => {
        if (!onBatch) return fn(event) as Promise<DynamoDBBatchResponse | undefined>;
        const started = performance.now();
        let failed = true;
        try {
          const response = (await fn(event)) as DynamoDBBatchResponse | undefined;
          failed = false;
          return response;
        } finally {
          const startedAt = performance.timeOrigin + started;
          onBatch({
            functionName: mapping.functionName,
            event,
            startedAt,
            durationMs: performance.now() - started,
            failed,
          });
        }
      },
      checkpointStore: options.dataDir
        ? createFileCheckpointStore({
            dir: join(options.dataDir, 'stream-checkpoints'),
            consumer: mapping.functionName,
            streamArn,
          })
        : createMemoryCheckpointStore(),
      deadLetter: recordErrorsWriter(
        createFileDeadLetter(join(deadLetterDir, `${mapping.functionName}.jsonl`)),
        recordErrors.get(mapping.functionName) ?? createRecordErrorLog(),
      ),
      functionName: mapping.functionName,
      awsRegion: LOCAL_REGION,
      ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
      logger: options.logger,
    });
    await poller.start();
    pollers.push(poller);
  }
  return pollers;
};
