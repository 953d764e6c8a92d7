import type { DynamoDBRecord } from 'aws-lambda';
import { parseStoredMetric } from '../domain/metric-schema';
import type { AlertStore, MetricStore, RaiseOutcome } from '../domain/ports';
import type { Metric } from '../domain/types';
import { DEFAULT_THRESHOLDS } from '../rules';
import { decodeRecord } from '../streams/decode';
import { dispatchAlertChange } from '../use-cases/dispatch-alert-change';
import { evaluateStation } from '../use-cases/evaluate-metrics';

/** What a function would do with a record, without doing it: its steps, from the same use cases. */
export interface PreviewLine {
  sequenceNumber: string;
  eventName: string;
  would: string[];
}

/**
 * A dry run of the evaluator: the rule engine over the stream's own metrics (the window a station's
 * records give so far), with an alert store that only remembers what it would have written.
 */
const previewEvaluate = () => {
  const seen = new Map<string, Metric[]>();
  const open = new Map<string, { alertId: string; lastSeenAt: number }>();
  const metrics: MetricStore = {
    put: async () => {},
    putMany: async () => {},
    latest: async (stationId, limit) => [...(seen.get(stationId) ?? [])].reverse().slice(0, limit),
    range: async (stationId, from, to) =>
      (seen.get(stationId) ?? []).filter((m) => m.timestamp >= from && m.timestamp <= to),
  };
  const alerts: Pick<AlertStore, 'raise'> = {
    raise: async (candidate, alertId): Promise<RaiseOutcome> => {
      const key = `${candidate.stationId}|${candidate.alertType}`;
      const current = open.get(key);
      if (!current) {
        open.set(key, { alertId, lastSeenAt: candidate.triggeredAt });
        return { kind: 'unchanged', alertId };
      }
      if (candidate.triggeredAt <= current.lastSeenAt) return { kind: 'unchanged', alertId: current.alertId };
      current.lastSeenAt = candidate.triggeredAt;
      return { kind: 'merged', alertId: current.alertId, severity: candidate.severity, occurrences: 0 };
    },
  };
  return async (record: DynamoDBRecord): Promise<string[]> => {
    const change = decodeRecord(record);
    if (change.eventName === 'REMOVE') return ['skip (REMOVE)'];
    const metric = parseStoredMetric(change.newImage);
    const list = seen.get(metric.stationId) ?? [];
    list.push(metric);
    list.sort((a, b) => a.timestamp - b.timestamp);
    seen.set(metric.stationId, list);
    const result = await evaluateStation(
      metric.stationId,
      [{ sequenceNumber: change.sequenceNumber, metric }],
      {
        metrics,
        alerts: alerts as AlertStore,
        clock: { now: () => Date.now() },
        thresholds: DEFAULT_THRESHOLDS,
      },
    );
    if (result.failure) throw result.failure.error;
    const outcomes = result.evaluated.flatMap((r) => r.outcomes);
    if (outcomes.length === 0) return [`evaluate ${metric.stationId}: no rule fires`];
    return outcomes.map(({ candidate, outcome }) =>
      outcome.kind === 'merged'
        ? `merge ${candidate.alertType} ${candidate.severity} into open alert ${outcome.alertId}`
        : `raise ${candidate.alertType} ${candidate.severity} for ${candidate.stationId} (alert ${outcome.kind === 'created' ? outcome.alert.alertId : outcome.alertId} unless one is open)`,
    );
  };
};

/** A dry run of the dispatcher: its use case with ports that record the steps instead of taking them. */
const previewDispatch =
  () =>
  async (record: DynamoDBRecord): Promise<string[]> => {
    const steps: string[] = [];
    const change = decodeRecord(record);
    const outcome = await dispatchAlertChange(change, {
      alerts: { setExecutionArn: async (alertId, arn) => void steps.push(`store ${arn} on ${alertId}`) },
      audit: {
        append: async (event) => {
          steps.push(`audit ${event.actionType} (${event.status})`);
          return true;
        },
      },
      workflow: {
        start: async (alert) => {
          steps.push(`start the remediation workflow for ${alert.alertId}`);
          return { executionArn: `(dry run) alert-${alert.alertId}`, alreadyStarted: false };
        },
      },
      notifier: {
        publishApproved: async (alert) => {
          steps.push(
            `publish ${alert.alertType}/${alert.severity} for ${alert.stationId} to the alerts topic`,
          );
          return { messageId: '(dry run)', topicArn: '(dry run)' };
        },
      },
      escalations: {
        publishEscalation: async (alert, level) => {
          steps.push(`publish escalation level ${level} of ${alert.alertId} to the escalation topic`);
          return { messageId: '(dry run)', topicArn: '(dry run)' };
        },
      },
      clock: { now: () => Date.now() },
      once: (_key, fn) => fn(),
    });
    return outcome.kind === 'skipped' ? [`skip (${outcome.reason})`] : steps;
  };

const PREVIEWS: Record<string, () => (record: DynamoDBRecord) => Promise<string[]>> = {
  evaluateMetrics: previewEvaluate,
  dispatchAlertChange: previewDispatch,
};

export const previewerFor = (functionName: string) => {
  const make = PREVIEWS[functionName];
  if (!make)
    throw new Error(`no dry run for ${functionName}; it can preview ${Object.keys(PREVIEWS).join(', ')}`);
  const preview = make();
  return async (record: DynamoDBRecord): Promise<PreviewLine> => {
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
    try {
      return { sequenceNumber, eventName: String(record.eventName), would: await preview(record) };
    } catch (error) {
      return {
        sequenceNumber,
        eventName: String(record.eventName),
        would: [`fail: ${error instanceof Error ? error.message : String(error)}`],
      };
    }
  };
};
