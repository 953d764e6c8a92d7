export type { ObservabilityConfig, ObservabilityLogLevel } from './config';
export { readObservabilityConfig } from './config';
export type { CorrelationKeys } from './correlation';
export { loggerFor, withCorrelation } from './correlation';
export {
  alertDecided,
  alertResolvedByHand,
  deadlinesSwept,
  dispatchHooks,
  evaluateHooks,
  heartbeatsRecorded,
  offlineSwept,
  readingsAccepted,
  readingsRejected,
  silenceChanged,
  workflowOutcomeRecorded,
} from './flow-hooks';
export type { FunctionKey } from './flow-metrics';
export {
  countAlert,
  countDecision,
  countNotificationsSent,
  countReadings,
  countRecords,
  countStationsRead,
  countUnissuedWindowState,
  countWorkflow,
  emitFlowMetric,
  FLOW_METRIC_UNITS,
  FLOW_METRICS,
  FlowMetric,
  FUNCTION_KEYS,
  recordDecisionLatency,
} from './flow-metrics';
export { logger, metrics, tracer } from './instances';
export { LogMessage, logAlertCreated } from './log-events';
export type { ObserveOptions } from './middleware';
export { observe } from './middleware';
export { REDACTED, redact } from './redact';
