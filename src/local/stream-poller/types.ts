import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type {
  DynamoDBTimeWindowEvent,
  DynamoDBTimeWindowEventResponse,
} from '../../streams/time-window-event';

export type StartingPosition = 'LATEST' | 'TRIM_HORIZON';

/** A Lambda event filter pattern (EventBridge syntax), applied to each record as the function would see it. */
export type FilterPattern = Record<string, unknown>;

/**
 * The settings of one Lambda event source mapping on a DynamoDB stream, in the units Lambda applies them
 * (the Serverless names differ: `batchWindow` is MaximumBatchingWindowInSeconds, `functionResponseType`
 * becomes a flag).
 */
export interface StreamMappingSettings {
  batchSize: number;
  batchWindowSeconds: number;
  startingPosition: StartingPosition;
  bisectBatchOnFunctionError: boolean;
  /** -1 = retry until the records leave the stream (Lambda's default). */
  maximumRetryAttempts: number;
  /** -1 = no age limit (Lambda's default). */
  maximumRecordAgeInSeconds: number;
  reportBatchItemFailures: boolean;
  /** Records must match at least one pattern; an empty list lets every record through. */
  filterPatterns: FilterPattern[];
  /**
   * The on-failure destination: the logical id when serverless.yml says `Fn::GetAtt: [Queue, Arn]`,
   * the literal ARN when it gives a string. Undefined: discarded records are dropped, as Lambda does.
   */
  onFailureArn: string | undefined;
  /**
   * Tumbling windows (TumblingWindowInSeconds): state carried from one invocation to the next within a
   * window of this many seconds, aligned to the epoch. 0 = off (the event is a plain DynamoDBStreamEvent).
   */
  tumblingWindowSeconds: number;
}

/** One `stream` event of a function in the service definition, resolved for the local pollers. */
export interface EventSourceMapping {
  functionName: string;
  /** As in serverless.yml, e.g. `handlers/evaluate-metrics.handler`. */
  handler: string;
  /** The table whose stream feeds the function (from `Fn::GetAtt: [Table, StreamArn]`). */
  tableLogicalId: string;
  enabled: boolean;
  settings: StreamMappingSettings;
}

export type {
  DynamoDBTimeWindowEvent,
  DynamoDBTimeWindowEventResponse,
  WindowState,
} from '../../streams/time-window-event';

/**
 * How the poller calls the function: the real handler locally, a recording fake in tests. The event is a
 * DynamoDBTimeWindowEvent exactly when the mapping has tumbling windows.
 */
export type StreamInvoke = (
  event: DynamoDBStreamEvent | DynamoDBTimeWindowEvent,
  // biome-ignore lint/suspicious/noConfusingVoidType: the result type of aws-lambda's DynamoDBStreamHandler, so real handlers plug in.
) => Promise<DynamoDBBatchResponse | DynamoDBTimeWindowEventResponse | void>;

/** Structurally compatible with the Powertools logger, so the runtime can pass its own. */
export interface PollerLogger {
  debug(message: string, extra: Record<string, unknown>): void;
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

export const silentLogger: PollerLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
