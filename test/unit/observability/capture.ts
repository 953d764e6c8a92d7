import { type MockInstance, vi } from 'vitest';

type Json = Record<string, unknown>;

export interface EmfLine extends Json {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
}

export interface Captured {
  /** Every JSON line written to stdout or stderr, in order. */
  lines(): Json[];
  /** The EMF lines (Powertools Metrics). */
  emf(): EmfLine[];
  /** The logger's lines (they have `level` and `message`). */
  logs(): Json[];
  /** Everything written, raw, to check nothing leaked in a form the parser would miss. */
  raw(): string;
  restore(): void;
}

const toText = (chunk: unknown): string =>
  typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');

const parseLines = (text: string): Json[] =>
  text
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Json);

/**
 * Powertools writes through its own node:console Console bound to process.stdout/stderr (not the global
 * console), so the streams' write() is what has to be intercepted.
 */
export const captureOutput = (): Captured => {
  const chunks: string[] = [];
  const spies: MockInstance[] = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
      chunks.push(toText(chunk));
      return true;
    }),
  );
  const lines = (): Json[] => parseLines(chunks.join(''));
  return {
    lines,
    emf: () => lines().filter((line): line is EmfLine => '_aws' in line),
    logs: () => lines().filter((line) => 'level' in line && 'message' in line),
    raw: () => chunks.join(''),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
};
