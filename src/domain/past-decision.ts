import type { AlertType, Severity } from './alert-vocabulary';

/** A past alert an operator decided, as the backtest weighs it. */
export interface PastDecision {
  alertId: string;
  stationId: string;
  alertType: AlertType;
  severity: Severity;
  /** Event time of the reading that opened it. */
  createdAt: number;
  /** When its incident ended; absent while open. */
  resolvedAt?: number;
  /** APPROVED, or REJECTED with the code FALSE_ALARM (other rejections say nothing about the rule). */
  verdict: 'APPROVED' | 'FALSE_ALARM';
}
