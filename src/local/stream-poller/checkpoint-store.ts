/**
 * Where a mapping has got to in each shard: the sequence number of the last record that is done
 * (processed, filtered out or dead-lettered). Lambda keeps this per event source mapping; one store
 * serves one poller, i.e. one (function, stream) pair, so keys are shard ids.
 */
export interface CheckpointStore {
  get(shardId: string): Promise<string | undefined>;
  set(shardId: string, sequenceNumber: string): Promise<void>;
  /** All checkpoints. An empty store means the mapping has never run, which is when startingPosition applies. */
  entries(): Promise<ReadonlyMap<string, string>>;
}

/**
 * Stored instead of a sequence number when a mapping starting at LATEST found a shard still empty: "nothing
 * here is older than the mapping", so a restart reads the shard from its start rather than skipping
 * whatever arrived while it was stopped.
 */
export const SHARD_START = 'TRIM_HORIZON';

export const createMemoryCheckpointStore = (initial: Record<string, string> = {}): CheckpointStore => {
  const checkpoints = new Map(Object.entries(initial));
  return {
    get: async (shardId) => checkpoints.get(shardId),
    set: async (shardId, sequenceNumber) => {
      checkpoints.set(shardId, sequenceNumber);
    },
    entries: async () => new Map(checkpoints),
  };
};
