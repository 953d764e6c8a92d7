/**
 * What the pipeline's functions consumed in a phase of a benchmark: invocations, billed ms (each
 * invocation rounded up to the ms, as Lambda bills) and DynamoDB capacity as DynamoDB reported it
 * (ReturnConsumedCapacity, src/adapters/dynamodb/consumed-capacity.ts), from the local runtime's
 * function stats before and after the phase.
 */
import type { LocalFunctionStats } from '../../src/local/functions';
import {
  type CapacityLine,
  capacitySince,
  mergeCapacity,
  totalCapacity,
} from '../../src/observability/consumed-capacity';

export interface FunctionPhase {
  invocations: number;
  billedMs: number;
  capacity: CapacityLine[];
}

export type PhaseCosts = Record<string, FunctionPhase>;

export const phaseCosts = (
  before: Record<string, LocalFunctionStats>,
  after: Record<string, LocalFunctionStats>,
): PhaseCosts =>
  Object.fromEntries(
    Object.entries(after).map(([name, end]) => {
      const start = before[name];
      return [
        name,
        {
          invocations: end.invocations - (start?.invocations ?? 0),
          billedMs: end.billedMs - (start?.billedMs ?? 0),
          capacity: capacitySince(start?.capacity ?? [], end.capacity),
        },
      ];
    }),
  );

const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;

/** Read and write units per `per` (a metric, an alert), of some functions and tables. */
export const unitsPer = (
  costs: PhaseCosts,
  per: number,
  options: { functions?: readonly string[]; tables?: (table: string) => boolean } = {},
): { writeUnits: number; readUnits: number } => {
  const lines = mergeCapacity(
    ...Object.entries(costs)
      .filter(([name]) => options.functions?.includes(name) ?? true)
      .map(([, phase]) => phase.capacity),
  );
  const total = totalCapacity(lines, options.tables);
  return per > 0
    ? { writeUnits: round4(total.writeUnits / per), readUnits: round4(total.readUnits / per) }
    : { writeUnits: 0, readUnits: 0 };
};

/** Invocations and billed ms per `per`, function by function (functions that did not run left out). */
export const lambdaPer = (
  costs: PhaseCosts,
  per: number,
  functions?: readonly string[],
): Record<string, { invocations: number; billedMs: number }> =>
  Object.fromEntries(
    Object.entries(costs)
      .filter(([name, phase]) => phase.invocations > 0 && (functions?.includes(name) ?? true) && per > 0)
      .map(([name, phase]) => [
        name,
        { invocations: round4(phase.invocations / per), billedMs: round4(phase.billedMs / per) },
      ]),
  );

/** Every function's capacity of the phase, summed by table and operation (for the report). */
export const capacityByTable = (costs: PhaseCosts): CapacityLine[] =>
  mergeCapacity(...Object.values(costs).map((phase) => phase.capacity)).sort(
    (a, b) => a.table.localeCompare(b.table) || a.operation.localeCompare(b.operation),
  );
