import type { Metric } from '../domain/types';
import { firstIndexAtOrAfter as indexAtOrAfter } from '../rules';

/**
 * The evaluator's memory of each station's recent readings, so a steady stream is evaluated without a
 * window Query per record (bench/pipeline: the Query was most of the evaluator's cost per metric).
 *
 * Memory in a Lambda instance is only trustworthy if the instance saw every record of the shard since it
 * filled it: Lambda does not promise that a shard's batches all go to one instance, and a batch handled
 * elsewhere would leave a gap. The proof comes from the event source mapping's tumbling-window state,
 * which Lambda carries from one invocation of a shard to the next: each invocation returns a token that
 * names this instance and this invocation, and the next invocation trusts its memory of the shard only if
 * the state hands back exactly the token it issued last. Another instance's invocation in between returns
 * its own token; a failed invocation is retried with the previous state and its records are delivered
 * again; a new window starts with an empty state. Anything but the token issued last forgets the shard,
 * and the stations are read again.
 *
 * No library keeps per-key state under this proof, hence this module. It imports nothing from AWS.
 */

/** The key of the continuity token in the tumbling-window state. */
export const HISTORY_TOKEN_KEY = 'stationHistoryToken';

export interface StationHistoryOptions {
  /** Readings kept across all stations; the least recently used stations go first beyond it. */
  maxReadings: number;
  /** The rules' window: readings older than a station's newest minus this are dropped. */
  windowMs: number;
  /** Names this instance in its tokens (a random UUID by default). */
  instanceId?: string;
}

interface StationEntry {
  shardId: string;
  generation: number;
  /**
   * The readings are complete for every timestamp > coveredFrom: the seeding read returned everything the
   * table held after it, and every record of the shard since has been applied.
   */
  coveredFrom: number;
  /** Ascending by timestamp, one reading per timestamp (the table's key). */
  readings: Metric[];
}

interface ShardMemory {
  generation: number;
  /** The token this instance issued last for the shard; undefined until the first seal. */
  token: string | undefined;
  /** The tumbling window (its start) of the invocation that holds or last held the shard. */
  window: string | undefined;
}

/** One shard's history, for the duration of one invocation. */
export interface ShardHistory {
  /** True when the shard's memory survived (the state carried this instance's last token). */
  readonly resumed: boolean;
  /**
   * True when, within the window this instance last sealed the shard in, the state carried something
   * other than that token: another instance ran in between, or Lambda did not carry the state.
   */
  readonly unissued: boolean;
  /** The station's readings (ascending) if they are complete for every timestamp > fromTs, else undefined. */
  covering(stationId: string, fromTs: number): Metric[] | undefined;
  /** Replaces the station's memory with a read that returned every reading with timestamp > fromTs. */
  seed(stationId: string, fromTs: number, readings: readonly Metric[]): Metric[];
  /**
   * Applies an INSERT or MODIFY of the shard to a station already in memory (others are read when needed).
   * Nothing is dropped before seal(), so every record of the invocation finds its window.
   */
  apply(metric: Metric): void;
  /** Applies a REMOVE (TTL expiry included). */
  remove(stationId: string, timestamp: number): void;
  /** Forgets the shard: used when a record could not be decoded, so memory and table may differ. */
  forget(): void;
  /** The token to return in the window state; the next invocation resumes only with it. */
  seal(): string;
}

export class StationHistory {
  private readonly instanceId: string;
  private readonly maxReadings: number;
  private readonly windowMs: number;
  /** Keyed by shard and station; Map order is least recently used first. */
  private readonly stations = new Map<string, StationEntry>();
  private readonly shards = new Map<string, ShardMemory>();
  private total = 0;
  private issued = 0;
  private generations = 0;

  constructor(options: StationHistoryOptions) {
    if (!(options.maxReadings >= 0)) throw new RangeError('maxReadings must be >= 0');
    if (!(options.windowMs > 0)) throw new RangeError('windowMs must be > 0');
    this.instanceId = options.instanceId ?? globalThis.crypto.randomUUID();
    this.maxReadings = options.maxReadings;
    this.windowMs = options.windowMs;
  }

  /** Readings held in memory (stale entries of forgotten shards included until they are evicted). */
  get size(): number {
    return this.total;
  }

  /**
   * Opens `shardId` for one invocation. `token` is what the window state carried: the shard's memory is
   * kept only if it is the token this instance issued last for that shard. `window` (the window's start)
   * tells a state lost within a window from the empty state of a new one.
   */
  resume(shardId: string, token: unknown, window?: string): ShardHistory {
    let shard = this.shards.get(shardId);
    const resumed = shard !== undefined && shard.token !== undefined && shard.token === token;
    const unissued =
      !resumed && window !== undefined && shard?.token !== undefined && shard.window === window;
    if (!resumed || !shard) {
      shard = { generation: ++this.generations, token: undefined, window };
      this.shards.set(shardId, shard);
    }
    shard.window = window;
    const memory = shard;
    const touched = new Set<StationEntry>();
    const keyOf = (stationId: string) => `${shardId}\u0000${stationId}`;
    const live = (stationId: string): StationEntry | undefined => {
      const key = keyOf(stationId);
      const entry = this.stations.get(key);
      if (!entry) return undefined;
      this.stations.delete(key);
      if (entry.generation !== memory.generation) {
        this.total -= entry.readings.length;
        return undefined;
      }
      this.stations.set(key, entry);
      return entry;
    };
    return {
      resumed,
      unissued,
      covering: (stationId, fromTs) => {
        const entry = live(stationId);
        return entry && entry.coveredFrom <= fromTs ? entry.readings : undefined;
      },
      seed: (stationId, fromTs, readings) => {
        const previous = live(stationId);
        if (previous) this.total -= previous.readings.length;
        const sorted = [...readings].sort((a, b) => a.timestamp - b.timestamp);
        const unique = sorted.filter(
          (m, i) => i === 0 || m.timestamp !== (sorted[i - 1] as Metric).timestamp,
        );
        const entry: StationEntry = {
          shardId,
          generation: memory.generation,
          coveredFrom: fromTs,
          readings: unique,
        };
        this.stations.set(keyOf(stationId), entry);
        this.total += unique.length;
        touched.add(entry);
        return entry.readings;
      },
      apply: (metric) => {
        const entry = live(metric.stationId);
        if (!entry || metric.timestamp <= entry.coveredFrom) return;
        const { readings } = entry;
        const at = indexAtOrAfter(readings, metric.timestamp);
        if (readings[at]?.timestamp === metric.timestamp) readings[at] = metric;
        else {
          readings.splice(at, 0, metric);
          this.total += 1;
        }
        touched.add(entry);
      },
      remove: (stationId, timestamp) => {
        const entry = live(stationId);
        if (!entry) return;
        const at = indexAtOrAfter(entry.readings, timestamp);
        if (entry.readings[at]?.timestamp !== timestamp) return;
        entry.readings.splice(at, 1);
        this.total -= 1;
      },
      forget: () => {
        memory.generation = ++this.generations;
        memory.token = undefined;
      },
      seal: () => {
        // Pruned only now: within the invocation an earlier record of the batch may still need them.
        for (const entry of touched) if (entry.generation === memory.generation) this.prune(entry);
        touched.clear();
        this.evict();
        this.issued += 1;
        memory.token = `${this.instanceId}:${this.issued}`;
        return memory.token;
      },
    };
  }

  /** Drops what no later record's window can reach: the window ends at the evaluated record. */
  private prune(entry: StationEntry): void {
    const newest = entry.readings.at(-1);
    if (!newest) return;
    const bound = newest.timestamp - this.windowMs;
    if (bound <= entry.coveredFrom) return;
    const drop = indexAtOrAfter(entry.readings, bound + 1);
    // Whatever is at or below `bound` is gone, so completeness now starts there.
    entry.coveredFrom = bound;
    if (drop === 0) return;
    entry.readings.splice(0, drop);
    this.total -= drop;
  }

  private evict(): void {
    for (const [key, entry] of this.stations) {
      if (this.total <= this.maxReadings) return;
      this.stations.delete(key);
      this.total -= entry.readings.length;
    }
  }
}
