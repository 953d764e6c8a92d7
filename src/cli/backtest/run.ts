import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  approximateReadingCount,
  readPastDecisions,
  readReadings,
} from '../../adapters/dynamodb/backtest-history';
import { recordConsumedCapacity } from '../../adapters/dynamodb/consumed-capacity';
import type { Metric } from '../../domain/types';
import { CapacityTally, totalCapacity } from '../../observability/consumed-capacity';
import { compareIncidents, type Incident, incidentsOf, type RuleChange } from '../../rules/backtest';
import type { RuleThresholds } from '../../rules/thresholds';
import type { Period } from './period';

export interface BacktestInput {
  client: DynamoDBClient;
  metricsTable: string;
  alertsTable: string;
  period: Period;
  current: RuleThresholds;
  candidate: RuleThresholds;
  stations?: readonly string[];
  /** Readings read so far, and the table's estimated total when known (for a progress bar). */
  onProgress?: (read: number, total: number | undefined) => void;
}

export interface BacktestReport {
  from: string;
  to: string;
  stations: number;
  readings: number;
  /** Read capacity units the backtest consumed, as DynamoDB reported them. */
  readUnits: number;
  /** Write capacity units it consumed, as DynamoDB reported them: 0, a backtest writes nothing. */
  writeUnits: number;
  rules: RuleChange[];
}

/** The readings and decisions a backtest needs, read once: several threshold sets can be judged on them. */
export interface History {
  readings: number;
  byStation: Map<string, Metric[]>;
  decisions: Awaited<ReturnType<typeof readPastDecisions>>;
  readUnits: number;
  writeUnits: number;
}

/** Reads the period's readings and decisions, read-only, counting the capacity it consumes. */
export const readHistory = async (input: Omit<BacktestInput, 'current' | 'candidate'>): Promise<History> => {
  const tally = new CapacityTally();
  recordConsumedCapacity(input.client, tally);
  const doc = DynamoDBDocumentClient.from(input.client);
  const tables = { doc, metricsTable: input.metricsTable, alertsTable: input.alertsTable };
  const total =
    input.stations && input.stations.length > 0
      ? undefined
      : await approximateReadingCount(input.client, input.metricsTable);
  const query = {
    ...input.period,
    ...(input.stations ? { stations: input.stations } : {}),
    onProgress: (read: number) => input.onProgress?.(read, total),
  };
  const [byStation, decisions] = await Promise.all([
    readReadings(tables, query),
    readPastDecisions(tables, query),
  ]);
  let readings = 0;
  for (const list of byStation.values()) readings += list.length;
  const { readUnits, writeUnits } = totalCapacity(tally.snapshot());
  return { readings, byStation, decisions, readUnits, writeUnits };
};

/** The incidents of every station with `thresholds`. */
export const incidentsOfHistory = (history: History, thresholds: RuleThresholds): Incident[] => {
  const incidents: Incident[] = [];
  for (const readings of history.byStation.values()) incidents.push(...incidentsOf(readings, thresholds));
  return incidents;
};

/** Judges `candidate` against `current` on a history already read. */
export const judge = (
  history: History,
  period: Period,
  current: RuleThresholds | Incident[],
  candidate: RuleThresholds,
): BacktestReport => {
  const currentIncidents = Array.isArray(current) ? current : incidentsOfHistory(history, current);
  return {
    from: new Date(period.from).toISOString(),
    to: new Date(period.to).toISOString(),
    stations: history.byStation.size,
    readings: history.readings,
    readUnits: history.readUnits,
    writeUnits: history.writeUnits,
    rules: compareIncidents(
      currentIncidents,
      incidentsOfHistory(history, candidate),
      history.decisions,
      period.to,
    ),
  };
};

/** `ai-ops backtest`: reads the period (read-only) and judges the candidate thresholds against the current ones. */
export const runBacktest = async (input: BacktestInput): Promise<BacktestReport> =>
  judge(await readHistory(input), input.period, input.current, input.candidate);
