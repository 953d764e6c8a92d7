import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { DynamoLastSeenStore, type DynamoLastSeenStoreOptions } from '../adapters/dynamodb/last-seen-store';
import { type Clock, systemClock } from '../domain/ports';
import {
  type HeardReading,
  type HeartbeatDeps,
  type HeartbeatOutcome,
  StationHeartbeats,
} from '../use-cases/station-liveness';
import { decodeRecord } from './decode';

/**
 * The newest reading of each station in a metrics-stream batch, and when it was written (the stream's
 * approximate creation time, to the minute, so a redelivered batch says when the station was heard, not
 * when it was retried; station-liveness.ts says how the minute is used). Records that cannot be decoded
 * are left out here: the evaluation reports them.
 */
export const newestReadings = (event: DynamoDBStreamEvent): HeardReading[] => {
  const newest = new Map<string, HeardReading>();
  for (const record of event.Records as DynamoDBRecord[]) {
    let change: ReturnType<typeof decodeRecord>;
    try {
      change = decodeRecord(record);
    } catch {
      continue; // reported with its sequence number by evaluateBatch
    }
    const image = change.newImage;
    if (change.eventName === 'REMOVE' || !image) continue;
    const { stationId, timestamp } = image;
    if (typeof stationId !== 'string' || typeof timestamp !== 'number') continue;
    const known = newest.get(stationId);
    if (known && known.readingAt >= timestamp) continue;
    const writtenAt = change.approximateCreationTime;
    newest.set(stationId, {
      stationId,
      readingAt: timestamp,
      ...(writtenAt === undefined ? {} : { writtenAt: writtenAt * 1000 }),
    });
  }
  return [...newest.values()];
};

/**
 * The evaluator's heartbeats for a batch, reported to `report`, or none when the stage has no last-seen
 * table. Heartbeats never fail the batch (its records were evaluated already): a failed write is reported
 * with its station and retried by the station's next batch, as only a written heartbeat is remembered.
 */
export const heartbeatsOf = (
  doc: DynamoLastSeenStoreOptions['doc'],
  settings: { LAST_SEEN_TABLE?: string | undefined; OFFLINE_AFTER_MS: number },
  alerts: HeartbeatDeps['alerts'],
  report: (outcome: HeartbeatOutcome) => void,
  clock: Clock = systemClock,
): { record(event: DynamoDBStreamEvent): Promise<void> } => {
  const tableName = settings.LAST_SEEN_TABLE;
  const heartbeats =
    tableName === undefined
      ? undefined
      : new StationHeartbeats({
          lastSeen: new DynamoLastSeenStore({ doc, tableName }),
          alerts,
          clock,
          offlineAfterMs: settings.OFFLINE_AFTER_MS,
        });
  return {
    record: async (event) => {
      if (heartbeats) report(await heartbeats.record(newestReadings(event)));
    },
  };
};
