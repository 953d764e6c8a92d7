import { alertIdFor } from '../domain/ids';
import type {
  AlertCandidate,
  AlertStore,
  Clock,
  IncidentEnd,
  MetricStore,
  RaiseOutcome,
} from '../domain/ports';
import type { RuledAlertType } from '../domain/rule-metadata';
import type { Metric } from '../domain/types';
import { clearedTypes, evaluateWindow, historyLookbackMs, type RuleThresholds, windowFor } from '../rules';
import type { SilenceCheck } from './silence-check';

export interface EvaluateDeps {
  metrics: MetricStore;
  alerts: AlertStore;
  clock: Clock;
  thresholds: RuleThresholds;
  /** Silences (maintenance windows); without it nothing is silenced. */
  silences?: SilenceCheck;
}

/** One metric from the stream, with the sequence number the stream delivered it at. */
export interface StreamedMetric {
  sequenceNumber: string;
  metric: Metric;
}

export interface RecordEvaluation {
  sequenceNumber: string;
  /** What each rule that fired proposed, and what the alert store made of it. */
  outcomes: { candidate: AlertCandidate; outcome: RaiseOutcome }[];
  /** The incidents whose condition cleared at this reading, and what the alert store made of it. */
  cleared?: { alertType: RuledAlertType; outcome: IncidentEnd }[];
  /** Triggers a silence suppressed: no alert, nothing started, nobody notified. */
  suppressed?: { candidate: AlertCandidate; silenceId: string }[];
}

/** A station's readings with afterTs < timestamp <= toTs (more is fine: the window selects), ascending. */
export type ReadStation = (stationId: string, afterTs: number, toTs: number) => Promise<readonly Metric[]>;

export interface StationEvaluation {
  evaluated: RecordEvaluation[];
  /** The first record that could not be evaluated; it and the later records of the station are not done. */
  failure?: { sequenceNumber: string; error: unknown };
}

/**
 * Evaluates a station's records of one batch, in the order given (the batch sorts them by event time), each against the window that ends at its
 * own timestamp (event time, so a replay gives the same alerts). One read per station serves every
 * record: the range from the oldest record's window start to the newest record.
 */
export const evaluateStation = async (
  stationId: string,
  records: readonly StreamedMetric[],
  deps: EvaluateDeps,
  read: ReadStation = (id, afterTs, toTs) => deps.metrics.range(id, afterTs + 1, toTs),
): Promise<StationEvaluation> => {
  if (records.length === 0) return { evaluated: [] };
  const { windowMs } = deps.thresholds;
  // Clearing judges older readings too, each on its own window (src/rules/clearing.ts).
  const lookbackMs = historyLookbackMs(deps.thresholds);
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const { metric } of records) {
    from = Math.min(from, metric.timestamp - lookbackMs);
    to = Math.max(to, metric.timestamp);
  }
  // A failed read fails every record of the station: nothing was evaluated yet.
  const history = await read(stationId, from, to);
  // Each reading is judged once per batch, whether as a record or as an older reading a clearing looks at.
  const judged = new Map<number, AlertCandidate[]>();
  const candidatesOf = (reading: Metric): AlertCandidate[] => {
    let found = judged.get(reading.timestamp);
    if (!found) {
      found = evaluateWindow(windowFor(history, reading, windowMs), reading, deps.thresholds);
      judged.set(reading.timestamp, found);
    }
    return found;
  };
  const fires = (reading: Metric): ReadonlySet<string> =>
    new Set(candidatesOf(reading).map((candidate) => candidate.alertType));

  const evaluated: RecordEvaluation[] = [];
  for (const { sequenceNumber, metric } of records) {
    try {
      judged.delete(metric.timestamp); // a MODIFY may have changed the reading: judge the streamed image
      const outcomes: RecordEvaluation['outcomes'] = [];
      const suppressed: NonNullable<RecordEvaluation['suppressed']> = [];
      for (const candidate of candidatesOf(metric)) {
        const silence = await deps.silences?.suppressing(candidate);
        if (silence) {
          suppressed.push({ candidate, silenceId: silence.silenceId });
          continue;
        }
        const alertId = alertIdFor(stationId, candidate.alertType, candidate.triggeredAt);
        outcomes.push({ candidate, outcome: await deps.alerts.raise(candidate, alertId, deps.clock.now()) });
      }
      const cleared: NonNullable<RecordEvaluation['cleared']> = [];
      for (const alertType of clearedTypes(history, metric, fires, deps.thresholds)) {
        cleared.push({
          alertType,
          outcome: await deps.alerts.endIncident(stationId, alertType, metric.timestamp, deps.clock.now()),
        });
      }
      evaluated.push({
        sequenceNumber,
        outcomes,
        ...(cleared.length > 0 ? { cleared } : {}),
        ...(suppressed.length > 0 ? { suppressed } : {}),
      });
    } catch (error) {
      return { evaluated, failure: { sequenceNumber, error } };
    }
  }
  return { evaluated };
};
