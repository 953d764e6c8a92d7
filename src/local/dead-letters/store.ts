import { createHash } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeadLetterEntry } from '../stream-poller';

/** One entry of a local on-failure destination (`<data>/dead-letters/<function>.jsonl`), with its id. */
export interface StoredDeadLetter {
  /** 12 hex characters of the entry line's SHA-256: stable, and short enough to type. */
  id: string;
  /** The file's name without .jsonl: the function whose mapping discarded the records. */
  functionName: string;
  entry: DeadLetterEntry;
  /** Set once the entry was redriven successfully. */
  redriven?: RedriveMark;
}

export interface RedriveMark {
  id: string;
  at: string;
  records: number;
  delivered: number;
  /** Records of the range that failed again and went to the destination anew (a new entry). */
  deadLettered: number;
}

/** Marks live beside the entries, so the entries stay byte for byte what the poller wrote. */
const MARKS_FILE = 'redriven.jsonl';

export const deadLetterIdOf = (line: string): string =>
  createHash('sha256').update(line).digest('hex').slice(0, 12);

const readLines = async (path: string): Promise<string[]> => {
  try {
    return (await readFile(path, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
};

/** The redrive marks of a folder, by entry id. */
export const readRedriveMarks = async (dir: string): Promise<Map<string, RedriveMark>> => {
  const marks = new Map<string, RedriveMark>();
  for (const line of await readLines(join(dir, MARKS_FILE))) {
    const mark = JSON.parse(line) as RedriveMark;
    marks.set(mark.id, mark);
  }
  return marks;
};

/** Every entry of the folder, oldest first per function, with its redrive mark if any. */
export const listDeadLetters = async (dir: string): Promise<StoredDeadLetter[]> => {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl') && f !== MARKS_FILE).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const marks = await readRedriveMarks(dir);
  const entries: StoredDeadLetter[] = [];
  for (const file of files) {
    for (const line of await readLines(join(dir, file))) {
      const id = deadLetterIdOf(line);
      const redriven = marks.get(id);
      entries.push({
        id,
        functionName: file.slice(0, -'.jsonl'.length),
        entry: JSON.parse(line) as DeadLetterEntry,
        ...(redriven ? { redriven } : {}),
      });
    }
  }
  return entries;
};

export class DeadLetterNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`no dead-letter entry ${id}`);
    this.name = 'DeadLetterNotFoundError';
  }
}

/** The entry whose id is `id` or starts with it (when only one does). */
export const findDeadLetter = async (dir: string, id: string): Promise<StoredDeadLetter> => {
  const matches = (await listDeadLetters(dir)).filter((e) => e.id.startsWith(id.toLowerCase()));
  const [only] = matches;
  if (!only || matches.length > 1 || id.length < 4) throw new DeadLetterNotFoundError(id);
  return only;
};

export const markRedriven = async (dir: string, mark: RedriveMark): Promise<void> => {
  await mkdir(dir, { recursive: true });
  await appendFile(join(dir, MARKS_FILE), `${JSON.stringify(mark)}\n`);
};
