import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the local Step Functions keeps of one execution, so its name stays taken across restarts. */
export interface JournalEntry {
  name: string;
  executionArn: string;
  startDate: number;
  input: unknown;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  result?: {
    status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
    output?: unknown;
    error?: string;
    cause?: string;
    startDate: number;
    stopDate: number;
  };
}

export interface ExecutionJournal {
  /** Every execution recorded so far, by name. */
  load(): JournalEntry[];
  /** Records an execution (on start and again when it ends); durable when it returns. */
  save(entry: JournalEntry): void;
}

/** Nothing kept: the runtime without --data forgets its executions with the process, as it forgets its tables. */
export const inMemoryJournal = (): ExecutionJournal => ({ load: () => [], save: () => {} });

/**
 * One JSON file per execution under `dir` (a name is [A-Za-z0-9_-]{1,80}, a safe file name). Written
 * synchronously, through a temporary file and a rename, so StartExecution answers only once its name is
 * on disk and a crash never leaves half a file.
 */
export const fileJournal = (dir: string): ExecutionJournal => {
  mkdirSync(dir, { recursive: true });
  return {
    load: () =>
      readdirSync(dir)
        .filter((file) => file.endsWith('.json'))
        .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as JournalEntry),
    save: (entry) => {
      const path = join(dir, `${entry.name}.json`);
      writeFileSync(`${path}.tmp`, JSON.stringify(entry));
      renameSync(`${path}.tmp`, path);
    },
  };
};
