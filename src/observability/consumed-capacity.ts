/**
 * DynamoDB capacity as the service reports it (ReturnConsumedCapacity), summed by table and operation.
 * The adapters' clients record into it (src/adapters/dynamodb/consumed-capacity.ts); the local runtime
 * hands each instance's tally to the benchmarks, which divide it by the metrics and alerts they sent.
 * No AWS types here: what is recorded is plain numbers, so anything may read the ledger.
 */

/** What one request consumed on one table (its indexes included), in capacity units. */
export interface CapacityUse {
  table: string;
  /** The DynamoDB operation: PutItem, Query, BatchWriteItem, TransactWriteItems... */
  operation: string;
  readUnits: number;
  writeUnits: number;
}

/** A sum by table and operation, with the number of requests that made it. */
export interface CapacityLine extends CapacityUse {
  requests: number;
}

/** Where the adapters' clients report what each request consumed. */
export interface CapacityLedger {
  record(use: CapacityUse): void;
}

const keyOf = (use: Pick<CapacityUse, 'table' | 'operation'>): string => `${use.table}\u0000${use.operation}`;

/** Sums lines of the same table and operation (for merging tallies of several instances or runs). */
export const mergeCapacity = (...tallies: readonly (readonly CapacityLine[])[]): CapacityLine[] => {
  const sums = new Map<string, CapacityLine>();
  for (const line of tallies.flat()) {
    const sum = sums.get(keyOf(line));
    if (sum) {
      sum.readUnits += line.readUnits;
      sum.writeUnits += line.writeUnits;
      sum.requests += line.requests;
    } else sums.set(keyOf(line), { ...line });
  }
  return [...sums.values()];
};

/** `after` minus `before`, line by line (a phase of a benchmark out of the running totals). */
export const capacitySince = (
  before: readonly CapacityLine[],
  after: readonly CapacityLine[],
): CapacityLine[] =>
  mergeCapacity(
    after,
    before.map((line) => ({
      ...line,
      readUnits: -line.readUnits,
      writeUnits: -line.writeUnits,
      requests: -line.requests,
    })),
  ).filter((line) => line.requests !== 0 || line.readUnits !== 0 || line.writeUnits !== 0);

/** Read and write units in total, optionally of some tables only. */
export const totalCapacity = (
  lines: readonly CapacityLine[],
  tables?: (table: string) => boolean,
): { readUnits: number; writeUnits: number; requests: number } =>
  lines
    .filter((line) => tables?.(line.table) ?? true)
    .reduce(
      (sum, line) => ({
        readUnits: sum.readUnits + line.readUnits,
        writeUnits: sum.writeUnits + line.writeUnits,
        requests: sum.requests + line.requests,
      }),
      { readUnits: 0, writeUnits: 0, requests: 0 },
    );

/** A ledger in memory: one per process (a Lambda instance, a local worker thread) or per test. */
export class CapacityTally implements CapacityLedger {
  private lines = new Map<string, CapacityLine>();

  record(use: CapacityUse): void {
    const line = this.lines.get(keyOf(use));
    if (line) {
      line.readUnits += use.readUnits;
      line.writeUnits += use.writeUnits;
      line.requests += 1;
    } else this.lines.set(keyOf(use), { ...use, requests: 1 });
  }

  /** The sums so far. */
  snapshot(): CapacityLine[] {
    return [...this.lines.values()].map((line) => ({ ...line }));
  }

  /** The sums so far, and a fresh start (what a local instance hands over with each reply). */
  take(): CapacityLine[] {
    const taken = [...this.lines.values()];
    this.lines = new Map();
    return taken;
  }
}

/** This process's ledger: what its SDK clients consumed since it started (or since the last take()). */
export const processCapacity = new CapacityTally();
