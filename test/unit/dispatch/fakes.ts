import type {
  AlertNotifier,
  AlertStore,
  AuditStore,
  Clock,
  EscalationNotifier,
  Once,
  RemediationWorkflow,
} from '../../../src/domain/ports';
import type { Alert, AuditEvent } from '../../../src/domain/types';
import type { DispatchDeps } from '../../../src/use-cases/dispatch-alert-change';

/** Audit rows by taskId; append is conditional on a new taskId, like the DynamoDB store. */
export class InMemoryAuditStore implements Pick<AuditStore, 'append'> {
  readonly rows = new Map<string, AuditEvent>();
  /** Appends that throw before writing, for failure injection. */
  failNext = 0;

  async append(event: AuditEvent): Promise<boolean> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('audit store unavailable');
    }
    if (this.rows.has(event.taskId)) return false;
    this.rows.set(event.taskId, structuredClone(event));
    return true;
  }

  all(): AuditEvent[] {
    return [...this.rows.values()];
  }

  of(alertId: string): AuditEvent[] {
    return this.all().filter((row) => row.alertId === alertId);
  }
}

export class InMemoryAlertStore implements Pick<AlertStore, 'setExecutionArn'> {
  readonly executionArns = new Map<string, string>();
  calls = 0;

  async setExecutionArn(alertId: string, executionArn: string): Promise<void> {
    this.calls += 1;
    this.executionArns.set(alertId, executionArn);
  }
}

/** One execution per alert, like StartExecution with a fixed name. */
export class FakeWorkflow implements RemediationWorkflow {
  readonly started = new Map<string, Alert>();
  calls = 0;
  failNext = 0;
  /** Report every start as already started (the execution exists from an earlier attempt). */
  alwaysAlreadyStarted = false;

  async start(alert: Alert): Promise<{ executionArn: string; alreadyStarted: boolean }> {
    this.calls += 1;
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('StartExecution throttled');
    }
    const executionArn = `arn:aws:states:eu-west-1:123456789012:execution:remediation:alert-${alert.alertId}`;
    const alreadyStarted = this.alwaysAlreadyStarted || this.started.has(alert.alertId);
    this.started.set(alert.alertId, alert);
    return { executionArn, alreadyStarted };
  }
}

export class FakeNotifier implements AlertNotifier {
  readonly published: Alert[] = [];
  attempts = 0;
  failNext = 0;

  async publishApproved(alert: Alert): Promise<{ messageId: string; topicArn: string }> {
    this.attempts += 1;
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('SNS publish failed');
    }
    this.published.push(alert);
    return {
      messageId: `msg-${this.published.length}`,
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts',
    };
  }
}

export class FakeEscalations implements EscalationNotifier {
  readonly published: { alertId: string; level: number }[] = [];
  failNext = 0;

  async publishEscalation(alert: Alert, level: number): Promise<{ messageId: string; topicArn: string }> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('SNS publish failed');
    }
    this.published.push({ alertId: alert.alertId, level });
    return {
      messageId: `esc-${this.published.length}`,
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:escalations',
    };
  }
}

/** Remembers the first successful result per key; a failed run leaves nothing, like Powertools. */
export const inMemoryOnce = (): { once: Once; results: Map<string, unknown> } => {
  const results = new Map<string, unknown>();
  const once: Once = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    if (results.has(key)) return results.get(key) as T; // stored by this very function, as a T
    const value = await fn();
    results.set(key, value);
    return value;
  };
  return { once, results };
};

/** Every read moves time on by 1 ms, so failed attempts get distinct ids. */
export const steppingClock = (start = 1_700_000_000_000): Clock => {
  let now = start;
  return { now: () => now++ };
};

export interface Fakes {
  audit: InMemoryAuditStore;
  alerts: InMemoryAlertStore;
  workflow: FakeWorkflow;
  notifier: FakeNotifier;
  escalations: FakeEscalations;
  onceResults: Map<string, unknown>;
  deps: DispatchDeps;
}

export const fakes = (): Fakes => {
  const audit = new InMemoryAuditStore();
  const alerts = new InMemoryAlertStore();
  const workflow = new FakeWorkflow();
  const notifier = new FakeNotifier();
  const escalations = new FakeEscalations();
  const { once, results } = inMemoryOnce();
  return {
    audit,
    alerts,
    workflow,
    notifier,
    escalations,
    onceResults: results,
    deps: { audit, alerts, workflow, notifier, escalations, once, clock: steppingClock() },
  };
};

export const pendingAlert = (overrides: Partial<Alert> = {}): Alert => ({
  alertId: '8d7c6a51-0b1e-5f43-9a2d-4e5f6a7b8c9d',
  stationId: 'ST-001',
  alertType: 'LOW_INVENTORY',
  severity: 'HIGH',
  status: 'PENDING',
  title: 'Low battery inventory at ST-001',
  description: 'Only 2 charged batteries left',
  recommendedAction: 'Rebalance batteries from a nearby station',
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
  occurrences: 1,
  lastSeenAt: 1_700_000_000_000,
  metadata: { chargedBatteries: 2, threshold: 5 },
  ...overrides,
});

export const approvedAlert = (overrides: Partial<Alert> = {}): Alert =>
  pendingAlert({
    status: 'APPROVED',
    approvedBy: 'operator-7',
    approvedAt: 1_700_000_100_000,
    updatedAt: 1_700_000_100_000,
    ...overrides,
  });

export const rejectedAlert = (overrides: Partial<Alert> = {}): Alert =>
  pendingAlert({
    status: 'REJECTED',
    rejectedBy: 'operator-9',
    rejectedAt: 1_700_000_100_000,
    rejectionReason: 'sensor glitch',
    updatedAt: 1_700_000_100_000,
    ...overrides,
  });

/** A stream image: the alert as the table holds it (a plain object). */
export const image = (alert: Alert): Record<string, unknown> => ({ ...alert });
