import type { DeadLetterEntry, DeadLetterWriter } from './dead-letter';

/** The last error a function logged for one stream record. */
export interface RecordError {
  sequenceNumber: string;
  message: string;
}

export interface RecordErrorLog {
  /** Reads a chunk of a function's output: JSON log lines (Powertools) that name a sequenceNumber and an error. */
  observe(text: string): void;
  lastErrorOf(sequenceNumber: string): string | undefined;
}

const messageOf = (line: Record<string, unknown>): string | undefined => {
  const error = line.error;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string')
    return (error as { message: string }).message;
  return undefined;
};

/**
 * Remembers, per sequence number, the error message of the last log line that reported a record failed
 * (the handlers log `sequenceNumber` and `error` once per failed record). Lambda's on-failure entry has
 * no room for it; the local entry carries it. Bounded: the oldest sequence numbers are forgotten first.
 */
export const createRecordErrorLog = (limit = 10_000): RecordErrorLog => {
  const errors = new Map<string, string>();
  return {
    observe: (text) => {
      for (const raw of text.split('\n')) {
        if (!raw.startsWith('{') || !raw.includes('sequenceNumber')) continue;
        let line: Record<string, unknown>;
        try {
          line = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          continue;
        }
        const sequenceNumber = line.sequenceNumber;
        const message = messageOf(line);
        if (typeof sequenceNumber !== 'string' || message === undefined) continue;
        errors.delete(sequenceNumber);
        errors.set(sequenceNumber, message);
        if (errors.size > limit) {
          const oldest = errors.keys().next().value;
          if (oldest !== undefined) errors.delete(oldest);
        }
      }
    },
    lastErrorOf: (sequenceNumber) => errors.get(sequenceNumber),
  };
};

/** The entry with each record's last logged error, where one was logged (else the entry's reason stays). */
export const withRecordErrors = (entry: DeadLetterEntry, log: RecordErrorLog): DeadLetterEntry => ({
  ...entry,
  localDetails: {
    ...entry.localDetails,
    errors: entry.localDetails.errors.map((e) => ({
      sequenceNumber: e.sequenceNumber,
      message: log.lastErrorOf(e.sequenceNumber) ?? e.message,
    })),
  },
});

export const recordErrorsWriter =
  (writer: DeadLetterWriter, log: RecordErrorLog): DeadLetterWriter =>
  (entry) =>
    writer(withRecordErrors(entry, log));
