import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { isAlertItem } from '../adapters/dynamodb/alert-item';
import {
  type DispatchDeps,
  type DispatchOutcome,
  dispatchAlertChange,
} from '../use-cases/dispatch-alert-change';
import { decodeRecord, sequenceNumberOf } from './decode';

export interface DispatchBatchDeps extends DispatchDeps {
  /** Called with each invocation's context before any record (the idempotency layer needs its deadline). */
  registerLambdaContext?(context: Context): void;
}

export interface DispatchBatchHooks {
  onDispatched?(outcome: DispatchOutcome, sequenceNumber: string): void;
  /** Once per failed record; the record is then reported in batchItemFailures. */
  onRecordFailed?(sequenceNumber: string, alertId: string | undefined, error: unknown): void;
  onCounts?(counts: { processed: number; skipped: number; failed: number }): void;
}

export type DispatchBatchHandler = (
  event: DynamoDBStreamEvent,
  context?: Context,
) => Promise<DynamoDBBatchResponse>;

const alertIdOf = (record: DynamoDBRecord): string | undefined => {
  const image = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
  const value = image?.alertId?.S;
  return value === undefined || value === '' ? undefined : value;
};

/**
 * The alerts stream's batch: each record is decoded and dispatched on its own, in stream order (an
 * alert's INSERT before its decision), through Powertools' BatchProcessor, which reports failed records
 * by sequence number so Lambda retries from the first of them. Re-running records that already
 * succeeded is harmless: the use case's steps are idempotent.
 */
export const createDispatchHandler = (
  deps: DispatchBatchDeps,
  hooks: DispatchBatchHooks = {},
): DispatchBatchHandler => {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);

  return async (event, context) => {
    if (context) deps.registerLambdaContext?.(context);
    const counts = { processed: 0, skipped: 0, failed: 0 };

    const recordHandler = async (record: DynamoDBRecord): Promise<DispatchOutcome> => {
      try {
        const change = decodeRecord(record);
        // Guard rows of the alerts table share its stream; the store that writes them knows them best.
        const outcome: DispatchOutcome = isAlertItem(change.newImage ?? change.oldImage)
          ? await dispatchAlertChange(change, deps)
          : { kind: 'skipped', reason: 'not-an-alert' };
        if (outcome.kind === 'skipped') counts.skipped += 1;
        else counts.processed += 1;
        hooks.onDispatched?.(outcome, change.sequenceNumber);
        return outcome;
      } catch (error) {
        counts.failed += 1;
        hooks.onRecordFailed?.(sequenceNumberOf(record), alertIdOf(record), error);
        throw error;
      }
    };

    const { batchItemFailures } = await processPartialResponse(event, recordHandler, processor, {
      ...(context ? { context } : {}),
      // Stream order matters (an alert's creation is audited before its decision).
      processInParallel: false,
      // A batch whose every record failed is reported like any other, record by record, rather than
      // thrown: Lambda retries it the same way and each failure is logged once, by onRecordFailed.
      throwOnFullBatchFailure: false,
    });
    hooks.onCounts?.(counts);
    return { batchItemFailures };
  };
};
