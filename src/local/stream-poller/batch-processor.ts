import { buildDeadLetterEntry, type DeadLetterCondition, type DeadLetterWriter } from './dead-letter';
import { invokeBatch } from './invocation';
import type { StreamEntry } from './lambda-record';
import { batchLength, type OpenWindow, type ShardWindow, sameWindow, windowOf } from './tumbling-window';
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
 *
 * Tumbling windows (ctx.window set): every invocation gets the window's state; a success or partial failure
 * replaces it with the returned state (after the checkpoint moved, so records delivered again after a
 * checkpoint failure meet the state they were first delivered with); a failed invocation leaves it as it
 * was, so retries and bisected halves get the same state.
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
  /** With tumbling windows: the window every record of the batch belongs to, with its state. */
  window?: OpenWindow | undefined;
  /**
   * Gives up a failing final invocation after this many attempts, logging an error (replay, which must
   * end). Undefined: retried until it succeeds, as Lambda does.
   */
  finalInvokeAttempts?: number | undefined;
}

const windowOptions = (ctx: BatchContext, final: boolean) =>
  ctx.window && { open: ctx.window, shardId: ctx.shardId, eventSourceARN: ctx.streamArn, final };

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

    const { requestId, outcome, state } = await invokeBatch(ctx.invoke, segment.entries, {
      reportBatchItemFailures: settings.reportBatchItemFailures,
      window: windowOptions(ctx, false),
    });
    segment.invocations += 1;

    if (outcome.kind === 'success') {
      await ctx.commit(lastSequenceNumber(segment.entries));
      if (ctx.window && state) ctx.window.state = state;
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
      // The partial response carries the state of what the function did handle.
      if (ctx.window && state) ctx.window.state = state;
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

/**
 * The final invocation of a tumbling window: no records, isFinalInvokeForWindow, the window's state. It
 * moves no checkpoint. Lambda "pauses further processing until a successful invocation", so a failure is
 * retried (after retryDelayMs) until it succeeds or the poller stops, whatever maximumRetryAttempts says.
 * The returned state is dropped: the next window starts with `{}`. With ctx.finalInvokeAttempts the window
 * is given up (logged as an error) after that many failed attempts.
 */
export const finishWindow = async (
  ctx: BatchContext & { window: OpenWindow },
): Promise<'done' | 'stopped'> => {
  for (let attempt = 1; ; attempt += 1) {
    if (ctx.stopping()) return 'stopped';
    const { outcome } = await invokeBatch(ctx.invoke, [], {
      reportBatchItemFailures: ctx.settings.reportBatchItemFailures,
      window: windowOptions(ctx, true),
    });
    // With no records a partial failure is impossible: any reported item makes the response unusable.
    if (outcome.kind === 'success') return 'done';
    const details = {
      shardId: ctx.shardId,
      functionName: ctx.functionName,
      windowStart: new Date(ctx.window.window.startMs).toISOString(),
      attempt,
      reason: outcome.reason,
    };
    if (ctx.finalInvokeAttempts !== undefined && attempt >= ctx.finalInvokeAttempts) {
      ctx.logger.error('final invocation of a tumbling window failed; window given up', details);
      return 'done';
    }
    ctx.logger.warn('final invocation of a tumbling window failed; retrying', details);
    if (!(await ctx.sleep(ctx.retryDelayMs))) return 'stopped';
  }
};

/**
 * Delivers a batch whose records share one window (see batchLength). With tumbling windows, a batch of
 * another window than the shard's open one first ends the open one with its final invocation, and the
 * batch's window then starts with `{}`. `shard.open` is updated as soon as that happens, so an error later
 * in the batch cannot make the ended window's final invocation happen twice.
 */
export const processWindowedBatch = async (
  batch: readonly StreamEntry[],
  ctx: BatchContext,
  shard: ShardWindow,
): Promise<'done' | 'stopped'> => {
  const lengthSeconds = ctx.settings.tumblingWindowSeconds;
  const first = batch[0];
  if (lengthSeconds <= 0 || !first) return processBatch(batch, ctx);
  const window = windowOf(first, lengthSeconds);
  if (shard.open && !sameWindow(shard.open.window, window)) {
    if ((await finishWindow({ ...ctx, window: shard.open })) === 'stopped') return 'stopped';
    shard.open = undefined;
  }
  shard.open ??= { window, state: {} };
  return processBatch(batch, { ...ctx, window: shard.open });
};

/**
 * Delivers records of one shard that are all at hand (replay), as the shard worker delivers what it reads:
 * batches of at most batchSize that never span two tumbling windows, each window ended by its final
 * invocation before the next one's first batch. The last window is ended too, as Lambda does once the
 * wall clock passes its end (which recorded records' windows normally have).
 */
export const processRecords = async (
  entries: readonly StreamEntry[],
  ctx: BatchContext,
): Promise<'done' | 'stopped'> => {
  const shard: ShardWindow = { open: undefined };
  for (let i = 0; i < entries.length; ) {
    const rest = entries.slice(i);
    const batch = rest.slice(0, batchLength(rest, ctx.settings));
    if ((await processWindowedBatch(batch, ctx, shard)) === 'stopped') return 'stopped';
    i += batch.length;
  }
  return shard.open ? finishWindow({ ...ctx, window: shard.open }) : 'done';
};
