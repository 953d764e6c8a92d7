import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { PublishCommandInput } from '@aws-sdk/client-sns';
import type { EventBridgeEvent } from 'aws-lambda';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { rememberValid, validatedBefore } from './asl-validation-cache';
import { type ExecutionJournal, inMemoryJournal, type JournalEntry } from './execution-journal';
import { lambdaContext } from './lambda-context';

/**
 * The remediation workflow on one machine: the SAME infra/remediation-workflow.asl.json that is deployed,
 * executed by aws-local-stepfunctions. Only the task resources are rebound (by their Resource, so renaming
 * a state needs no change here): lambda:invoke runs the real Lambda handler in-process, and the
 * DynamoDB and SNS integrations call the injected functions. Service errors are renamed the way Step
 * Functions names them ("DynamoDB.X", "SNS.X") so the definition's Retry and Catch behave as deployed.
 */

export const REMEDIATION_DEFINITION_PATH = fileURLToPath(
  new URL('../../infra/remediation-workflow.asl.json', import.meta.url),
);

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const DYNAMODB_UPDATE_ITEM = 'arn:aws:states:::dynamodb:updateItem';
const SNS_PUBLISH = 'arn:aws:states:::sns:publish';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
export type FinalStatus = Exclude<ExecutionStatus, 'RUNNING'>;

/** The `detail` of EventBridge's "Step Functions Execution Status Change" (dates are epoch ms, input/output JSON text). */
export interface ExecutionStatusChangeDetail {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate: number | null;
  input: string;
  inputDetails: { included: boolean };
  output: string | null;
  outputDetails: { included: boolean } | null;
  error: string | null;
  cause: string | null;
}

export type ExecutionStatusChangeEvent = EventBridgeEvent<
  'Step Functions Execution Status Change',
  ExecutionStatusChangeDetail
>;

export interface ExecutionResult {
  status: FinalStatus;
  output?: unknown;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate: number;
}

export interface LocalExecution {
  executionArn: string;
  name: string;
  startDate: number;
  /** True when `start` found an execution of that name with the same input (StartExecution idempotency). */
  alreadyStarted: boolean;
  /** Settles after onStatusChange has run; never rejects (a failed execution is a FAILED result). */
  done: Promise<ExecutionResult>;
}

export interface ExecutionDescription {
  executionArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  input: unknown;
  result?: ExecutionResult;
}

export type LambdaFunction = (payload: unknown) => Promise<unknown>;

export interface LocalWorkflowOptions {
  /** DefinitionSubstitutions, as in infra/workflow.yml (PlanRemediationFunctionArn, AlertsTableName, AlertsTopicArn). */
  substitutions: Readonly<Record<string, string>>;
  /** The dynamodb:updateItem task (low-level AttributeValue params: send them as an UpdateItemCommand). */
  updateAlert: (params: UpdateItemCommandInput) => Promise<unknown>;
  /** The sns:publish task. */
  publish: (params: PublishCommandInput) => Promise<{ MessageId?: string | undefined }>;
  /** Called once per execution when it ends, like the EventBridge rule of recordWorkflowOutcome. */
  onStatusChange?: (event: ExecutionStatusChangeEvent) => Promise<void> | void;
  /** Where an onStatusChange failure goes (it does not change the execution, as with EventBridge). */
  onStatusChangeError?: (error: unknown, event: ExecutionStatusChangeEvent) => void;
  /** Lambda functions by FunctionName; default: planRemediation's real handler under its substituted ARN. */
  lambdaFunctions?: Readonly<Record<string, LambdaFunction>>;
  stateMachineArn?: string;
  definitionPath?: string;
  /** Overrides every Retry pause (ms), e.g. 0 in tests; by default the definition's backoff applies. */
  retryIntervalMs?: number;
  clock?: () => number;
  /** Where executions are kept (the runtime's --data): a name once started stays taken across restarts. */
  journal?: ExecutionJournal;
}

export interface LocalWorkflow {
  stateMachineArn: string;
  /** Starts an execution; the same name and input again returns the existing one (see ExecutionAlreadyExistsError). */
  start(name: string, input: unknown): LocalExecution;
  describe(executionArn: string): ExecutionDescription | undefined;
  /** StopExecution: the execution ends ABORTED. */
  stop(executionArn: string): void;
  /**
   * Runs again, from the start and under the same name, every execution the journal shows RUNNING: the
   * process that ran it stopped (in AWS it would have carried on). Call once the tasks' functions are up.
   */
  resumeInterrupted(): LocalExecution[];
}

/** StartExecution's error for a name already used with a different input. */
export class ExecutionAlreadyExistsError extends Error {
  constructor(readonly executionArn: string) {
    super(`Execution Already Exists: '${executionArn}'`);
    this.name = 'ExecutionAlreadyExists';
  }
}

export const DEFAULT_LOCAL_STATE_MACHINE_ARN =
  'arn:aws:states:eu-west-1:000000000000:stateMachine:ai-ops-remediation-local';

type JsonValue = Parameters<StateMachine['run']>[0];

const toJson = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value ?? null));

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Text substitution, as CloudFormation does; values are JSON-escaped because they land inside strings. */
export const substituteDefinition = (
  text: string,
  substitutions: Readonly<Record<string, string>>,
): string => {
  const missing = new Set<string>();
  const result = text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (placeholder, name: string) => {
    const value = substitutions[name];
    if (value === undefined) {
      missing.add(name);
      return placeholder;
    }
    return JSON.stringify(value).slice(1, -1);
  });
  if (missing.size > 0) throw new Error(`missing DefinitionSubstitutions: ${[...missing].join(', ')}`);
  return result;
};

export const loadRemediationDefinition = (
  substitutions: Readonly<Record<string, string>>,
  path = REMEDIATION_DEFINITION_PATH,
): StateMachineDefinition => {
  const parsed: unknown = JSON.parse(substituteDefinition(readFileSync(path, 'utf8'), substitutions));
  if (!isRecord(parsed) || typeof parsed.StartAt !== 'string' || !isRecord(parsed.States)) {
    throw new Error(`${path} is not a state machine definition (StartAt and States are required)`);
  }
  // Shape checked above; the library validates the rest against the ASL schema in its constructor.
  return parsed as unknown as StateMachineDefinition;
};

const namedError = (name: string, message: string): Error => {
  const error = new Error(message);
  error.name = name;
  return error;
};

const errorParts = (error: unknown): { name: string; message: string; stack: string[] } =>
  error instanceof Error
    ? { name: error.name, message: error.message, stack: (error.stack ?? '').split('\n').slice(1, 11) }
    : { name: 'Error', message: String(error), stack: [] };

/** A service error as Step Functions reports it from an optimized integration: "<Service>.<Exception>". */
const serviceCall = async <T>(service: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    const { name, message } = errorParts(error);
    throw namedError(`${service}.${name}`, message);
  }
};

const paramsOf = (input: unknown, required: string, resource: string): Record<string, unknown> => {
  if (!isRecord(input) || typeof input[required] !== 'string') {
    throw namedError('States.Runtime', `${resource} parameters need ${required}: ${JSON.stringify(input)}`);
  }
  return input;
};

type TaskHandler = (input: JsonValue) => Promise<JsonValue>;

const lambdaInvoke =
  (functions: Readonly<Record<string, LambdaFunction>>): TaskHandler =>
  async (input) => {
    const params = paramsOf(input, 'FunctionName', LAMBDA_INVOKE);
    const fn = functions[params.FunctionName as string];
    if (!fn) {
      throw namedError(
        'Lambda.ResourceNotFoundException',
        `Function not found: ${String(params.FunctionName)}`,
      );
    }
    try {
      // The Lambda sees JSON, as it would over the wire.
      const payload = await fn(JSON.parse(JSON.stringify(params.Payload ?? {})));
      return toJson({ StatusCode: 200, ExecutedVersion: '$LATEST', Payload: payload ?? null });
    } catch (error) {
      // A function error: Error is its type, Cause the runtime's JSON error document (as with lambda:invoke).
      const { name, message, stack } = errorParts(error);
      throw namedError(name, JSON.stringify({ errorType: name, errorMessage: message, trace: stack }));
    }
  };

const taskHandlersFor = (definition: StateMachineDefinition, options: LocalWorkflowOptions) => {
  const functions = options.lambdaFunctions ?? {
    // Loaded on first use: the handler brings Powertools and the X-Ray SDK (whose automatic mode
    // tracks every promise), which the local runtime's main thread, binding lambdaFunctions, never needs.
    [options.substitutions.PlanRemediationFunctionArn ?? 'planRemediation']: async (payload: unknown) => {
      const { handler } = await import('../../handlers/plan-remediation');
      return handler(payload as Parameters<typeof handler>[0], lambdaContext('planRemediation'));
    },
  };
  const byResource: Record<string, TaskHandler> = {
    [LAMBDA_INVOKE]: lambdaInvoke(functions),
    [DYNAMODB_UPDATE_ITEM]: async (input) => {
      const params = paramsOf(input, 'TableName', DYNAMODB_UPDATE_ITEM) as unknown as UpdateItemCommandInput;
      const output = await serviceCall('DynamoDB', () => options.updateAlert(params));
      return toJson(isRecord(output) ? { ...output, $metadata: undefined } : {});
    },
    [SNS_PUBLISH]: async (input) => {
      const params = paramsOf(input, 'TopicArn', SNS_PUBLISH);
      // Step Functions serializes a JSON object given as Message; the definition relies on it, because the
      // library's States.JsonToString strips backslashes and would corrupt escaped quotes.
      const message = typeof params.Message === 'string' ? params.Message : JSON.stringify(params.Message);
      const publishInput = { ...params, Message: message } as unknown as PublishCommandInput;
      const output = await serviceCall('SNS', () => options.publish(publishInput));
      return toJson({ MessageId: output.MessageId ?? randomUUID() });
    },
  };
  const handlers: Record<string, TaskHandler> = {};
  for (const [stateName, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task') continue;
    const handler = byResource[state.Resource];
    // Without a binding the library would call real AWS Lambda: refuse instead.
    if (!handler) throw new Error(`state ${stateName}: no local binding for resource ${state.Resource}`);
    handlers[stateName] = handler;
  }
  return handlers;
};

/** Every state with a Retry field, for retryIntervalOverrides. */
const retryingStates = (definition: StateMachineDefinition): string[] =>
  Object.entries(definition.States)
    .filter(([, state]) => 'Retry' in state && Array.isArray(state.Retry))
    .map(([name]) => name);

const resultOf = (error: unknown): Omit<ExecutionResult, 'startDate' | 'stopDate'> => {
  if (error instanceof ExecutionTimeoutError) {
    return {
      status: 'TIMED_OUT',
      error: 'States.Timeout',
      cause: 'The execution timed out (TimeoutSeconds).',
    };
  }
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  // ExecutionError wraps the state's error: its name is the ASL Error, its message the Cause.
  const cause = error instanceof ExecutionError ? error.cause : error;
  const { name, message } = errorParts(cause);
  return { status: 'FAILED', error: name, cause: message };
};

/** Compares inputs by content, not key order (the dispatcher may rebuild the alert from another stream image). */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    isRecord(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

interface ExecutionRecord {
  execution: LocalExecution;
  input: unknown;
  status: ExecutionStatus;
  result?: ExecutionResult;
  abort: () => void;
}

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

export const createLocalWorkflow = (options: LocalWorkflowOptions): LocalWorkflow => {
  const clock = options.clock ?? Date.now;
  const stateMachineArn = options.stateMachineArn ?? DEFAULT_LOCAL_STATE_MACHINE_ARN;
  const [, partition = 'aws', , region = 'eu-west-1', account = '000000000000', , machineName = 'local'] =
    stateMachineArn.split(':');
  const definition = loadRemediationDefinition(options.substitutions, options.definitionPath);
  const checked = validatedBefore(definition);
  const machine = new StateMachine(definition, { validationOptions: { noValidate: checked } });
  if (!checked) rememberValid(definition);
  const taskResourceLocalHandlers = taskHandlersFor(definition, options);
  const retryIntervalOverrides =
    options.retryIntervalMs === undefined
      ? undefined
      : Object.fromEntries(retryingStates(definition).map((name) => [name, options.retryIntervalMs ?? 0]));
  const executions = new Map<string, ExecutionRecord>();

  const statusChange = (record: ExecutionRecord, result: ExecutionResult): ExecutionStatusChangeEvent => {
    const { execution } = record;
    const succeeded = result.status === 'SUCCEEDED';
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account,
      time: new Date(result.stopDate).toISOString(),
      region,
      resources: [execution.executionArn],
      detail: {
        executionArn: execution.executionArn,
        stateMachineArn,
        name: execution.name,
        status: result.status,
        startDate: result.startDate,
        stopDate: result.stopDate,
        input: JSON.stringify(record.input),
        inputDetails: { included: true },
        output: succeeded ? JSON.stringify(result.output ?? null) : null,
        outputDetails: succeeded ? { included: true } : null,
        error: result.error ?? null,
        cause: result.cause ?? null,
      },
    };
  };

  const notify = async (event: ExecutionStatusChangeEvent): Promise<void> => {
    try {
      await options.onStatusChange?.(event);
    } catch (error) {
      (options.onStatusChangeError ?? ((e: unknown) => console.error('onStatusChange failed', e)))(
        error,
        event,
      );
    }
  };

  const journal = options.journal ?? inMemoryJournal();
  const journalEntry = (record: ExecutionRecord): JournalEntry => ({
    name: record.execution.name,
    executionArn: record.execution.executionArn,
    startDate: record.execution.startDate,
    input: record.input,
    status: record.status,
    ...(record.result ? { result: record.result } : {}),
  });

  const launch = (
    name: string,
    json: JsonValue,
    executionArn: string,
    startDate: number,
  ): ExecutionRecord => {
    const context: RunOptions['context'] = {
      Execution: { Id: executionArn, Name: name, RoleArn: `arn:${partition}:iam::${account}:role/local` },
      StateMachine: { Id: stateMachineArn, Name: machineName },
      // The library has no per-state context: read at evaluation, which is within the state just entered.
      State: {
        get EnteredTime() {
          return new Date(clock()).toISOString();
        },
      },
    };
    const run = machine.run(json, {
      overrides: { taskResourceLocalHandlers, ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}) },
      context,
    });
    // The callbacks below run after `record` is assigned: the result settles asynchronously.
    const done = run.result
      .then(
        (output): Omit<ExecutionResult, 'startDate' | 'stopDate'> => ({ status: 'SUCCEEDED', output }),
        resultOf,
      )
      .then(async (partial) => {
        const result: ExecutionResult = { ...partial, startDate, stopDate: clock() };
        record.status = result.status;
        record.result = result;
        journal.save(journalEntry(record));
        await notify(statusChange(record, result));
        return result;
      });
    const record: ExecutionRecord = {
      input: json,
      status: 'RUNNING',
      abort: run.abort,
      execution: { executionArn, name, startDate, alreadyStarted: false, done },
    };
    executions.set(name, record);
    return record;
  };

  const start = (name: string, input: unknown): LocalExecution => {
    if (!NAME.test(name)) throw namedError('InvalidName', `Invalid Name: '${name}'`);
    const json = toJson(input);
    const existing = executions.get(name);
    if (existing) {
      // AWS returns the running execution for the same name and input; a closed one it refuses with
      // ExecutionAlreadyExists. Locally both return the existing execution: replays stay harmless.
      if (canonical(existing.input) !== canonical(json)) {
        throw new ExecutionAlreadyExistsError(existing.execution.executionArn);
      }
      return { ...existing.execution, alreadyStarted: true };
    }
    const executionArn = `arn:${partition}:states:${region}:${account}:execution:${machineName}:${name}`;
    const record = launch(name, json, executionArn, clock());
    // On disk before StartExecution answers: a crash after the answer cannot free the name.
    journal.save(journalEntry(record));
    return record.execution;
  };

  // Executions of earlier runs: closed ones keep their result, RUNNING ones wait for resumeInterrupted.
  const interrupted: JournalEntry[] = [];
  for (const entry of journal.load()) {
    if (entry.status === 'RUNNING' || !entry.result) {
      interrupted.push(entry);
      continue;
    }
    const result = entry.result;
    executions.set(entry.name, {
      input: entry.input,
      status: entry.status,
      result,
      abort: () => {},
      execution: {
        executionArn: entry.executionArn,
        name: entry.name,
        startDate: entry.startDate,
        alreadyStarted: false,
        done: Promise.resolve(result),
      },
    });
  }
  // Until resumed, an interrupted execution's name is taken all the same.
  for (const entry of interrupted) {
    const pending: ExecutionRecord = {
      input: entry.input,
      status: 'RUNNING',
      abort: () => {},
      execution: {
        executionArn: entry.executionArn,
        name: entry.name,
        startDate: entry.startDate,
        alreadyStarted: false,
        done: new Promise<ExecutionResult>(() => {}),
      },
    };
    executions.set(entry.name, pending);
  }

  const resumeInterrupted = (): LocalExecution[] =>
    interrupted
      .splice(0)
      .map((entry) => launch(entry.name, toJson(entry.input), entry.executionArn, entry.startDate).execution);

  const find = (executionArn: string): ExecutionRecord | undefined =>
    [...executions.values()].find((record) => record.execution.executionArn === executionArn);

  return {
    stateMachineArn,
    start,
    describe: (executionArn) => {
      const record = find(executionArn);
      if (!record) return undefined;
      const { name, startDate } = record.execution;
      return {
        executionArn,
        name,
        status: record.status,
        startDate,
        input: record.input,
        result: record.result,
      };
    },
    stop: (executionArn) => {
      const record = find(executionArn);
      if (record?.status === 'RUNNING') record.abort();
    },
    resumeInterrupted,
  };
};
