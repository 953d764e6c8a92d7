import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { CheckpointStore } from './checkpoint-store';

/**
 * Checkpoints in a JSON file under the data folder, so `--data` restarts resume exactly where the mapping
 * stopped. One file per (consumer, stream ARN): two functions on one table keep separate positions, as
 * their event source mappings do in AWS, and no two pollers ever write the same file. Writes go to a temp
 * file that is renamed over the old one, so a crash leaves the previous or the new state, never half.
 */
const fileSchema = z.object({
  version: z.literal(1),
  consumer: z.string(),
  streamArn: z.string(),
  shards: z.record(z.string(), z.string()),
});
type CheckpointFile = z.infer<typeof fileSchema>;

export interface FileCheckpointStoreOptions {
  /** A folder of the data directory, e.g. `<data>/stream-checkpoints`. */
  dir: string;
  /** The function the mapping invokes. */
  consumer: string;
  streamArn: string;
}

export const checkpointFilePath = ({ dir, consumer, streamArn }: FileCheckpointStoreOptions): string => {
  const safeConsumer = consumer.replace(/[^A-Za-z0-9_.-]/g, '_');
  const streamHash = createHash('sha256').update(streamArn).digest('hex').slice(0, 16);
  return join(dir, `${safeConsumer}-${streamHash}.json`);
};

export const createFileCheckpointStore = (options: FileCheckpointStoreOptions): CheckpointStore => {
  const path = checkpointFilePath(options);
  let loaded: Promise<Map<string, string>> | undefined;
  // Writes are chained so the file always reflects the latest set(), whatever the timing of renames.
  let writing: Promise<void> = Promise.resolve();

  const load = (): Promise<Map<string, string>> => {
    loaded ??= (async () => {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return new Map();
        throw error;
      }
      // A damaged file must stop the poller: guessing a position would replay or skip records.
      const parsed = fileSchema.safeParse(JSON.parse(text));
      if (!parsed.success)
        throw new Error(`checkpoint file ${path} is not valid: ${z.prettifyError(parsed.error)}`);
      if (parsed.data.streamArn !== options.streamArn)
        throw new Error(
          `checkpoint file ${path} belongs to ${parsed.data.streamArn}, not ${options.streamArn}`,
        );
      return new Map(Object.entries(parsed.data.shards));
    })();
    return loaded;
  };

  const persist = async (checkpoints: ReadonlyMap<string, string>): Promise<void> => {
    const content: CheckpointFile = {
      version: 1,
      consumer: options.consumer,
      streamArn: options.streamArn,
      shards: Object.fromEntries(checkpoints),
    };
    await mkdir(options.dir, { recursive: true });
    const temp = `${path}.${randomUUID()}.tmp`;
    await writeFile(temp, `${JSON.stringify(content, null, 2)}\n`);
    await rename(temp, path);
  };

  return {
    get: async (shardId) => (await load()).get(shardId),
    set: async (shardId, sequenceNumber) => {
      const checkpoints = await load();
      checkpoints.set(shardId, sequenceNumber);
      const snapshot = new Map(checkpoints);
      writing = writing.catch(() => {}).then(() => persist(snapshot));
      await writing;
    },
    entries: async () => new Map(await load()),
  };
};
