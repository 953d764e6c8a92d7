import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

/** A tumbling window's state: the JSON object the function returned last for the window. */
export type WindowState = Record<string, unknown>;

/**
 * What Lambda sends when a DynamoDB stream mapping has tumbling windows (DynamodbTimeWindowEvent in its
 * docs; @types/aws-lambda only has the Kinesis variant): the records, the shard, the window's bounds as
 * ISO strings, and the state the shard's previous invocation returned. The evaluator reads it, the local
 * pollers build it.
 */
export interface DynamoDBTimeWindowEvent extends DynamoDBStreamEvent {
  window: { start: string; end: string };
  state: WindowState;
  shardId: string;
  eventSourceARN: string;
  isFinalInvokeForWindow: boolean;
  isWindowTerminatedEarly: boolean;
}

/** With tumbling windows the response must carry `state`; without it Lambda counts the invocation as failed. */
export interface DynamoDBTimeWindowEventResponse extends Partial<DynamoDBBatchResponse> {
  state: WindowState;
}

/** Tells a tumbling-window event from a plain one. */
export const isTimeWindowEvent = (
  event: DynamoDBStreamEvent | DynamoDBTimeWindowEvent,
): event is DynamoDBTimeWindowEvent =>
  'window' in event && typeof (event as Partial<DynamoDBTimeWindowEvent>).shardId === 'string';
