import { buildDeadLetterEntry, type DeadLetterCondition, type DeadLetterWriter } from './dead-letter';
import { invokeBatch } from './invocation';
import type { StreamEntry } from './lambda-record';
import type { PollerLogger, StreamInvoke, StreamMappingSettings } from './types';

/**
 * Delivers one batch of one shard until every record in it is done: processed, or discarded to the
 * on-failure destination. This is where the event source mapping's error handling lives:
 *
 * - Success: the checkpoint moves past the batch.
 * - ReportBatchItemFailures: the checkpoint moves to just before the lowest reported record; the rest of
 *   the batch (from that record on) is delivered again. That redelivery is a retry.
 * - Whole-batch failure (thrown error or unusable response): with bisectBatchOnFunctionError and more than
 *   one record, the batch is split in two halves, delivered first half first; a split is not a retry
 *   ("splitting batches doesn't consume the retry quota"). Otherwise the same records are retried.
 * - maximumRetryAttempts: a record range is retried at most that many times (-1: forever); halves inherit
 *   the retries already spent by the range they came from. Then the range is discarded with
 *   RetryAttemptsExhausted.
 * - maximumRecordAgeInSeconds: before every delivery, records older than that are discarded with
 *   RecordAgeExceeded instead of being delivered.
 *
 * Discarding writes the dead-letter entry first and only then moves the checkpoint, so a failing writer
 * means redelivery rather than loss.
 */

export interface BatchContext {
  shardId: string;
  streamArn: string;
  functionName: string;
  functionArn: string;
  settings: StreamMappingSettings;
  invoke: StreamInvoke;
  /** Undefined when the mapping has no on-failure destination: discarded records are logged and dropped. */
  deadLetter: DeadLetterWriter | undefined;
  /** Records up to and including this sequence number are done. */
  commit(sequenceNumber: string): Promise<void>;
  retryDelayMs: number;
  /** Waits, resolving false if the poller began stopping meanwhile. */
  sleep(ms: number): Promise<boolean>;
  stopping(): boolean;
  now(): number;
  logger: PollerLogger;
}

interface Segment {
  entries: StreamEntry[];
  /** Retries spent on these records, counted against maximumRetryAttempts. */
  retries: number;
  /** Invocations that included these records (reported as approximateInvokeCount). */
  invocations: number;
  lastInvocation: { requestId: string; functionError: string | undefined } | undefined;
  lastReason: string;
}

const lastSequenceNumber = (entries: readonly StreamEntry[]): string => {
  const last = entries.at(-1);
  if (!last) throw new Error('empty record range');
  return last.sequenceNumber;
};

export const processBatch = async (
  batch: readonly StreamEntry[],
  ctx: BatchContext,
): Promise<'done' | 'stopped'> => {
  const { settings } = ctx;
  const queue: Segment[] = [
    { entries: [...batch], retries: 0, invocations: 0, lastInvocation: undefined, lastReason: '' },
  ];

  const discard = async (
    segment: Segment,
    entries: StreamEntry[],
    condition: DeadLetterCondition,
    reason: string,
  ) => {
    const entry = buildDeadLetterEntry({
      functionName: ctx.functionName,
      functionArn: ctx.functionArn,
      streamArn: ctx.streamArn,
      shardId: ctx.shardId,
      condition,
      records: entries,
      invocations: segment.invocations,
      lastInvocation: segment.lastInvocation,
      reason,
      now: new Date(ctx.now()),
    });
    const info = entry.DDBStreamBatchInfo;
    if (ctx.deadLetter) {
      await ctx.deadLetter(entry);
      ctx.logger.warn('stream records sent to the on-failure destination', { condition, reason, ...info });
    } else {
      ctx.logger.warn('stream records discarded (no on-failure destination)', { condition, reason, ...info });
    }
    await ctx.commit(lastSequenceNumber(entries));
  };

  while (queue.length > 0) {
    if (ctx.stopping()) return 'stopped';
    const segment = queue.shift();
    if (!segment) break;

    if (settings.maximumRecordAgeInSeconds >= 0) {
      const limitMs = settings.maximumRecordAgeInSeconds * 1000;
      const now = ctx.now();
      // Records are in stream order, so the expired ones are a prefix.
      const fresh = segment.entries.findIndex((e) => now - e.ageFromMs <= limitMs);
      const expiredCount = fresh === -1 ? segment.entries.length : fresh;
      if (expiredCount > 0) {
        const expired = segment.entries.slice(0, expiredCount);
        const reason = `older than maximumRecordAgeInSeconds (${settings.maximumRecordAgeInSeconds} s)${
          segment.lastReason ? `; last failure: ${segment.lastReason}` : ''
        }`;
        await discard(segment, expired, 'RecordAgeExceeded', reason);
        segment.entries = segment.entries.slice(expiredCount);
        if (segment.entries.length === 0) continue;
      }
    }

    const { requestId, outcome } = await invokeBatch(
      ctx.invoke,
      segment.entries,
      settings.reportBatchItemFailures,
    );
    segment.invocations += 1;

    if (outcome.kind === 'success') {
      await ctx.commit(lastSequenceNumber(segment.entries));
      continue;
    }

    segment.lastInvocation = {
      requestId,
      functionError: outcome.kind === 'failure' ? outcome.functionError : undefined,
    };
    segment.lastReason = outcome.reason;
    ctx.logger.warn('stream batch failed', {
      shardId: ctx.shardId,
      functionName: ctx.functionName,
      firstSequenceNumber: segment.entries[0]?.sequenceNumber,
      batchSize: segment.entries.length,
      retries: segment.retries,
      reason: outcome.reason,
    });

    let failing = segment.entries;
    if (outcome.kind === 'partial') {
      const done = segment.entries.slice(0, outcome.firstFailedIndex);
      if (done.length > 0) await ctx.commit(lastSequenceNumber(done));
      failing = segment.entries.slice(outcome.firstFailedIndex);
    } else if (settings.bisectBatchOnFunctionError && failing.length > 1) {
      const middle = Math.ceil(failing.length / 2);
      queue.unshift(
        { ...segment, entries: failing.slice(0, middle) },
        { ...segment, entries: failing.slice(middle) },
      );
      continue;
    }

    if (settings.maximumRetryAttempts >= 0 && segment.retries >= settings.maximumRetryAttempts) {
      await discard(segment, failing, 'RetryAttemptsExhausted', outcome.reason);
      continue;
    }
    queue.unshift({ ...segment, entries: failing, retries: segment.retries + 1 });
    if (!(await ctx.sleep(ctx.retryDelayMs))) return 'stopped';
  }
  return 'done';
};
