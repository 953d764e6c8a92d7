import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamEntry } from './lambda-record';
import type { DynamoDBTimeWindowEvent, StreamMappingSettings, WindowState } from './types';

/**
 * Tumbling windows (TumblingWindowInSeconds): Lambda assigns each record of a shard to a window aligned to
 * multiples of the window length since the epoch, never mixes two windows in one batch, carries the state
 * the function returns from one invocation of a window to the next, and ends each window with a final
 * invocation (no records, isFinalInvokeForWindow) after which the state is dropped.
 */

/** [startMs, endMs) in epoch milliseconds. */
export interface TimeWindow {
  startMs: number;
  endMs: number;
}

/**
 * The window a shard is in and the state the function returned last for it. Kept in the poller's memory
 * only: after a restart the window starts again with `{}`.
 */
export interface OpenWindow {
  window: TimeWindow;
  state: WindowState;
}

/** A shard's open window, if any (the slot is updated in place as windows end and begin). */
export interface ShardWindow {
  open: OpenWindow | undefined;
}

/**
 * A record's time for windowing: its ApproximateCreationDateTime, or, when the stream gave none, when the
 * poller read it (ageFromMs is exactly that read time then; see ageOrigin in lambda-record.ts).
 */
export const recordTimeMs = (entry: StreamEntry): number => entry.createdAtMs ?? entry.ageFromMs;

export const windowAt = (timeMs: number, lengthSeconds: number): TimeWindow => {
  const lengthMs = lengthSeconds * 1000;
  const startMs = Math.floor(timeMs / lengthMs) * lengthMs;
  return { startMs, endMs: startMs + lengthMs };
};

export const windowOf = (entry: StreamEntry, lengthSeconds: number): TimeWindow =>
  windowAt(recordTimeMs(entry), lengthSeconds);

export const sameWindow = (a: TimeWindow, b: TimeWindow): boolean =>
  a.startMs === b.startMs && a.endMs === b.endMs;

/**
 * How many leading entries the next batch takes: at most batchSize and, with tumbling windows, only those
 * in the first entry's window (a batch never spans two windows).
 */
export const batchLength = (
  entries: readonly StreamEntry[],
  settings: Pick<StreamMappingSettings, 'batchSize' | 'tumblingWindowSeconds'>,
): number => {
  const limit = Math.min(entries.length, settings.batchSize);
  const first = entries[0];
  if (settings.tumblingWindowSeconds <= 0 || !first) return limit;
  const window = windowOf(first, settings.tumblingWindowSeconds);
  for (let i = 1; i < limit; i += 1) {
    const entry = entries[i];
    if (entry && !sameWindow(windowOf(entry, settings.tumblingWindowSeconds), window)) return i;
  }
  return limit;
};

/** Lambda's documented format: whole seconds, no milliseconds ("2020-12-09T07:04:00Z"). */
const iso = (ms: number): string => {
  const text = new Date(ms).toISOString();
  return text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text;
};

/** The event fields a tumbling window adds to `{ Records }`; the state is a fresh copy per invocation. */
export const timeWindowEvent = (
  records: DynamoDBStreamEvent['Records'],
  open: OpenWindow,
  details: { shardId: string; eventSourceARN: string; final: boolean },
): DynamoDBTimeWindowEvent => ({
  Records: records,
  window: { start: iso(open.window.startMs), end: iso(open.window.endMs) },
  state: structuredClone(open.state),
  shardId: details.shardId,
  eventSourceARN: details.eventSourceARN,
  isFinalInvokeForWindow: details.final,
  // Lambda ends a window early only when its state passes 1 MB, which is not modelled.
  isWindowTerminatedEarly: false,
});

export { isTimeWindowEvent } from '../../streams/time-window-event';
