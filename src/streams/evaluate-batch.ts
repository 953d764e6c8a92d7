import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { parseStoredMetric } from '../domain/metric-schema';
import type { AlertCandidate, IncidentEnd, RaiseOutcome } from '../domain/ports';
import type { Metric } from '../domain/types';
import {
  type EvaluateDeps,
  evaluateStation,
  type ReadStation,
  type StreamedMetric,
} from '../use-cases/evaluate-metrics';
import { compareSequenceNumbers, decodeRecord, sequenceNumberOf } from './decode';
import { HISTORY_TOKEN_KEY, type ShardHistory, type StationHistory } from './station-history';
import { isTimeWindowEvent } from './time-window-event';

export interface EvaluateBatchHooks {
  onAlert?(outcome: RaiseOutcome, candidate: AlertCandidate, sequenceNumber: string): void;
  /** An open incident's condition cleared at this record (`none`: nothing was open, nothing changed). */
  onCleared?(outcome: IncidentEnd, sequenceNumber: string): void;
  /** A silence suppressed this trigger: it opened no alert. */
  onSuppressed?(candidate: AlertCandidate, silenceId: string, sequenceNumber: string): void;
  onRecordFailed?(sequenceNumber: string, stationId: string | undefined, error: unknown): void;
  onCounts?(counts: { processed: number; skipped: number; failed: number }): void;
  /** The window state was not the one this instance returned last in the same window (see ShardHistory). */
  onUnissuedState?(shardId: string, window: string): void;
}

export interface EvaluateBatchResult extends DynamoDBBatchResponse {
  counts: { processed: number; skipped: number; failed: number };
  /** For a tumbling-window event: the state to return (Lambda fails an invocation that returns none). */
  state?: Record<string, string>;
  /** Stations whose window was read from the table in this batch (the others came from memory). */
  stationsRead: number;
}

/**
 * Reads through the shard's history: a station already in memory is not read again; one that is not is
 * read once with no upper bound, so readings written before the read but streamed later are known too.
 * The batch's own records are applied before evaluation, as a read of the table would also return them.
 */
const readThrough =
  (
    shard: ShardHistory,
    deps: EvaluateDeps,
    records: readonly StreamedMetric[],
    onRead: () => void,
  ): ReadStation =>
  async (stationId, afterTs) => {
    let readings: Metric[] | undefined = shard.covering(stationId, afterTs);
    if (!readings) {
      onRead();
      const read = await deps.metrics.range(stationId, afterTs + 1, Number.MAX_SAFE_INTEGER);
      readings = shard.seed(stationId, afterTs, read);
    }
    for (const { metric } of records) shard.apply(metric);
    return readings;
  };

/**
 * The evaluator's batch: INSERT and MODIFY records are evaluated, REMOVE (TTL expiry included) skipped
 * and counted. Records are grouped by station so each station is read once; a record that cannot be
 * decoded is reported alone, and a record that fails evaluation is reported with the later records of
 * its station so they are retried. Each station's records are evaluated in event-time order. Powertools' BatchProcessor works record by record, which is
 * the per-record read this exists to avoid (bench/evaluate measures the difference).
 *
 * With `history` and a tumbling-window event, stations are read only when the shard's memory does not
 * cover them (see station-history.ts), and the result carries the state to return to Lambda.
 */
export const evaluateBatch = async (
  event: DynamoDBStreamEvent,
  deps: EvaluateDeps,
  hooks: EvaluateBatchHooks = {},
  history?: StationHistory,
): Promise<EvaluateBatchResult> => {
  const failed: string[] = [];
  let skipped = 0;
  let stationsRead = 0;
  const stations = new Map<string, StreamedMetric[]>();
  const windowed = isTimeWindowEvent(event);
  const shard =
    windowed && history
      ? history.resume(event.shardId, event.state[HISTORY_TOKEN_KEY], event.window.start)
      : undefined;
  if (windowed && shard?.unissued) hooks.onUnissuedState?.(event.shardId, event.window.start);

  for (const record of event.Records as DynamoDBRecord[]) {
    try {
      const change = decodeRecord(record);
      if (change.eventName === 'REMOVE') {
        skipped += 1;
        const gone = change.oldImage;
        if (typeof gone?.stationId === 'string' && typeof gone.timestamp === 'number')
          shard?.remove(gone.stationId, gone.timestamp);
        else shard?.forget();
        continue;
      }
      const metric = parseStoredMetric(change.newImage);
      const list = stations.get(metric.stationId);
      const streamed = { sequenceNumber: change.sequenceNumber, metric };
      if (list) list.push(streamed);
      else stations.set(metric.stationId, [streamed]);
    } catch (error) {
      // The table holds a reading that memory cannot: trust nothing remembered of this shard.
      shard?.forget();
      const sequenceNumber = sequenceNumberOf(record);
      failed.push(sequenceNumber);
      hooks.onRecordFailed?.(sequenceNumber, undefined, error);
    }
  }

  let processed = 0;
  await Promise.all(
    [...stations].map(async ([stationId, records]) => {
      // Event time, not stream order: a clearing must not be judged before an older trigger of the same
      // batch has opened its incident, or a partial redelivery would end differently from the whole batch.
      records.sort(
        (a, b) =>
          a.metric.timestamp - b.metric.timestamp ||
          compareSequenceNumbers(a.sequenceNumber, b.sequenceNumber),
      );
      let result: Awaited<ReturnType<typeof evaluateStation>>;
      try {
        result = await evaluateStation(
          stationId,
          records,
          deps,
          shard
            ? readThrough(shard, deps, records, () => {
                stationsRead += 1;
              })
            : undefined,
        );
      } catch (error) {
        // The station's read failed: none of its records was evaluated.
        result = { evaluated: [], failure: { sequenceNumber: records[0]?.sequenceNumber ?? '', error } };
      }
      processed += result.evaluated.length;
      for (const { sequenceNumber, outcomes, cleared, suppressed } of result.evaluated) {
        for (const { outcome, candidate } of outcomes) hooks.onAlert?.(outcome, candidate, sequenceNumber);
        for (const { candidate, silenceId } of suppressed ?? [])
          hooks.onSuppressed?.(candidate, silenceId, sequenceNumber);
        for (const { outcome } of cleared ?? []) hooks.onCleared?.(outcome, sequenceNumber);
      }
      if (result.failure) {
        const { sequenceNumber, error } = result.failure;
        hooks.onRecordFailed?.(sequenceNumber, stationId, error);
        // Every record not evaluated is reported, so the lowest sequence number among them, where Lambda
        // resumes, covers them all; records after it already evaluated are evaluated again, idempotently.
        const from = records.findIndex((r) => r.sequenceNumber === sequenceNumber);
        for (const r of records.slice(Math.max(0, from))) failed.push(r.sequenceNumber);
      }
    }),
  );

  if (!shard) stationsRead = stations.size;
  const counts = { processed, skipped, failed: failed.length };
  hooks.onCounts?.(counts);
  return {
    batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })),
    counts,
    stationsRead,
    ...(windowed ? { state: shard ? { [HISTORY_TOKEN_KEY]: shard.seal() } : {} } : {}),
  };
};
