import { randomUUID } from 'node:crypto';
import type { StreamEntry } from './lambda-record';
import { type OpenWindow, timeWindowEvent } from './tumbling-window';
import type { StreamInvoke, WindowState } from './types';

/** What one invocation means for the batch, in Lambda's terms. */
export type InvocationOutcome =
  | { kind: 'success' }
  /** ReportBatchItemFailures named records: everything before the lowest one is done. */
  | { kind: 'partial'; firstFailedIndex: number; reason: string }
  /** The whole batch failed: the function threw (functionError 'Unhandled') or its response was unusable. */
  | { kind: 'failure'; functionError: 'Unhandled' | undefined; reason: string };

export interface Invocation {
  requestId: string;
  outcome: InvocationOutcome;
  /** With tumbling windows, after a success or partial failure: the window's new state. */
  state?: WindowState;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Lambda's reading of a batch response (services-ddb-batchfailurereporting): no response, no list or an
 * empty list is success; an item whose itemIdentifier is empty or not a sequence number of the batch makes
 * the whole batch a failure; otherwise the lowest reported sequence number is where the batch resumes.
 */
export const classifyBatchResponse = (
  response: unknown,
  sequenceNumbers: readonly string[],
): InvocationOutcome => {
  if (response === undefined || response === null) return { kind: 'success' };
  if (!isObject(response))
    return {
      kind: 'failure',
      functionError: undefined,
      reason: 'the response is not a DynamoDBBatchResponse',
    };
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures))
    return { kind: 'failure', functionError: undefined, reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'success' };
  let lowest = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    const id = isObject(failure) ? failure.itemIdentifier : undefined;
    const index = typeof id === 'string' && id !== '' ? sequenceNumbers.indexOf(id) : -1;
    if (index < 0) {
      return {
        kind: 'failure',
        functionError: undefined,
        reason: `batchItemFailures names ${JSON.stringify(id)}, which is not a sequence number of the batch`,
      };
    }
    lowest = Math.min(lowest, index);
  }
  return {
    kind: 'partial',
    firstFailedIndex: lowest,
    reason: `batchItemFailures reported ${failures.length} record(s), the lowest ${sequenceNumbers[lowest]}`,
  };
};

/**
 * With tumbling windows Lambda requires `state` in every response ("if the response does not contain a
 * state property, Lambda considers this a failed invocation"). The state is copied, so a handler keeping a
 * reference to it cannot change the window's state afterwards.
 */
const readWindowState = (response: unknown): { state: WindowState } | { reason: string } => {
  const state = isObject(response) ? response.state : undefined;
  if (!isObject(state)) return { reason: 'the response has no state object (tumbling window)' };
  try {
    return { state: structuredClone(state) };
  } catch (error) {
    return { reason: `the response state cannot be copied: ${describe(error)}` };
  }
};

export interface InvokeOptions {
  reportBatchItemFailures: boolean;
  /** Set when the mapping has tumbling windows: the event becomes a DynamoDBTimeWindowEvent. */
  window?: { open: OpenWindow; shardId: string; eventSourceARN: string; final: boolean } | undefined;
}

export const invokeBatch = async (
  invoke: StreamInvoke,
  entries: readonly StreamEntry[],
  options: InvokeOptions,
): Promise<Invocation> => {
  const requestId = randomUUID();
  const { window } = options;
  // A fresh copy per invocation, as Lambda serializes the event anew: a handler mutating its records must
  // not change what a retry delivers.
  const records = entries.map((entry) => structuredClone(entry.record));
  const event = window ? timeWindowEvent(records, window.open, window) : { Records: records };
  let response: unknown;
  try {
    response = await invoke(event);
  } catch (error) {
    return { requestId, outcome: { kind: 'failure', functionError: 'Unhandled', reason: describe(error) } };
  }
  let state: WindowState | undefined;
  if (window) {
    const read = readWindowState(response);
    if ('reason' in read)
      return { requestId, outcome: { kind: 'failure', functionError: undefined, reason: read.reason } };
    state = read.state;
  }
  // Without ReportBatchItemFailures Lambda ignores batchItemFailures: only an error (or, with tumbling
  // windows, a missing state) fails the batch.
  const outcome = options.reportBatchItemFailures
    ? classifyBatchResponse(
        response,
        entries.map((entry) => entry.sequenceNumber),
      )
    : { kind: 'success' as const };
  return outcome.kind === 'failure' || state === undefined
    ? { requestId, outcome }
    : { requestId, outcome, state };
};
