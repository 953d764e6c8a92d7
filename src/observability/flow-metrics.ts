import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as MetricUnitValue } from '@aws-lambda-powertools/metrics/types';
import type { AlertType, Severity } from '../domain/types';
import { logger, metrics as processMetrics } from './instances';

/** Every business metric the flow emits (namespace AiOps). infra/observability.yml charts and alarms on these names. */
export const FlowMetric = {
  MetricsReceived: 'MetricsReceived',
  MetricsRejected: 'MetricsRejected',
  RecordsProcessed: 'RecordsProcessed',
  RecordsSkipped: 'RecordsSkipped',
  RecordsFailed: 'RecordsFailed',
  StationsRead: 'StationsRead',
  WindowStateUnissued: 'WindowStateUnissued',
  AlertsCreated: 'AlertsCreated',
  AlertsDeduplicated: 'AlertsDeduplicated',
  AlertsApproved: 'AlertsApproved',
  AlertsRejected: 'AlertsRejected',
  WorkflowsStarted: 'WorkflowsStarted',
  WorkflowsSucceeded: 'WorkflowsSucceeded',
  WorkflowsFailed: 'WorkflowsFailed',
  NotificationsSent: 'NotificationsSent',
  DecisionLatency: 'DecisionLatency',
} as const;
export type FlowMetric = (typeof FlowMetric)[keyof typeof FlowMetric];

export const FLOW_METRICS: readonly FlowMetric[] = Object.values(FlowMetric);

export const FLOW_METRIC_UNITS: Readonly<Record<FlowMetric, MetricUnitValue>> = {
  MetricsReceived: MetricUnit.Count,
  MetricsRejected: MetricUnit.Count,
  RecordsProcessed: MetricUnit.Count,
  RecordsSkipped: MetricUnit.Count,
  RecordsFailed: MetricUnit.Count,
  StationsRead: MetricUnit.Count,
  WindowStateUnissued: MetricUnit.Count,
  AlertsCreated: MetricUnit.Count,
  AlertsDeduplicated: MetricUnit.Count,
  AlertsApproved: MetricUnit.Count,
  AlertsRejected: MetricUnit.Count,
  WorkflowsStarted: MetricUnit.Count,
  WorkflowsSucceeded: MetricUnit.Count,
  WorkflowsFailed: MetricUnit.Count,
  NotificationsSent: MetricUnit.Count,
  DecisionLatency: MetricUnit.Milliseconds,
};

/** The serverless.yml function keys: the value of the `Function` dimension. */
export const FUNCTION_KEYS = [
  'ingestMetrics',
  'evaluateMetrics',
  'queryAlerts',
  'decideAlert',
  'dispatchAlertChange',
  'planRemediation',
  'recordWorkflowOutcome',
  'sweepAlerts',
  'queryStationMetrics',
] as const;
export type FunctionKey = (typeof FUNCTION_KEYS)[number];

/**
 * Emits one flow metric. Without dimensions it joins the invocation's buffer (flushed as one EMF line by
 * `observe`'s logMetrics); with dimensions it goes out at once on its own line through singleMetric(),
 * so those dimensions never attach to the other metrics of the invocation.
 * A bad value is logged and dropped: counting must never fail the work it counts.
 */
export const emitFlowMetric = (
  name: FlowMetric,
  value: number,
  dimensions?: Readonly<Record<string, string>>,
  target: Metrics = processMetrics,
): void => {
  if (!Number.isFinite(value) || value < 0) {
    logger.warn('flow metric dropped: value must be a finite number >= 0', {
      metricName: name,
      value: String(value),
    });
    return;
  }
  const unit = FLOW_METRIC_UNITS[name];
  if (dimensions === undefined || Object.keys(dimensions).length === 0) {
    target.addMetric(name, unit, value);
    return;
  }
  const single = target.singleMetric();
  for (const [dimension, dimensionValue] of Object.entries(dimensions))
    single.addDimension(dimension, dimensionValue);
  single.addMetric(name, unit, value);
};

/** Readings accepted or refused by POST /metrics. */
export const countReadings = (kind: 'Received' | 'Rejected', n: number): void =>
  emitFlowMetric(kind === 'Received' ? FlowMetric.MetricsReceived : FlowMetric.MetricsRejected, n);

/** Stream records a consumer handled, by outcome; dimension Function. */
export const countRecords = (fn: FunctionKey, kind: 'Processed' | 'Skipped' | 'Failed', n: number): void =>
  emitFlowMetric(`Records${kind}`, n, { Function: fn });

/**
 * Stations whose window the evaluator read from the table in one invocation; against RecordsProcessed it
 * shows how much the station history saves (near 0 in steady state, every station after a new window).
 */
export const countStationsRead = (n: number): void => emitFlowMetric(FlowMetric.StationsRead, n);

/**
 * An evaluator invocation received a tumbling-window state other than the one it returned last in the
 * same window: another instance handled the shard in between, or Lambda did not carry the state (the
 * memory of stations then never helps; docs/operations.md, first-deploy checklist).
 */
export const countUnissuedWindowState = (): void => emitFlowMetric(FlowMetric.WindowStateUnissued, 1);

/** One alert written or merged into an open one; dimensions AlertType and Severity. */
export const countAlert = (
  kind: 'Created' | 'Deduplicated',
  alertType: AlertType,
  severity: Severity,
): void => emitFlowMetric(`Alerts${kind}`, 1, { AlertType: alertType, Severity: severity });

/** One approval or rejection recorded. */
export const countDecision = (decision: 'Approved' | 'Rejected'): void =>
  emitFlowMetric(`Alerts${decision}`, 1);

/** One remediation workflow started or finished. */
export const countWorkflow = (outcome: 'Started' | 'Succeeded' | 'Failed'): void =>
  emitFlowMetric(`Workflows${outcome}`, 1);

/** SNS notifications published. */
export const countNotificationsSent = (n = 1): void => emitFlowMetric(FlowMetric.NotificationsSent, n);

/** Time from an alert's creation to its approval or rejection. */
export const recordDecisionLatency = (ms: number): void => emitFlowMetric(FlowMetric.DecisionLatency, ms);
