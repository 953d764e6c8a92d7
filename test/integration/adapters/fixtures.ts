import { randomUUID } from 'node:crypto';
import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { vi } from 'vitest';
import { dynamoDbDocumentClient } from '../../../src/adapters/dynamodb/client';
import { alertIdFor } from '../../../src/domain/ids';
import type { AlertCandidate } from '../../../src/domain/ports';
import type { Alert, AlertType, AuditEvent, Metric } from '../../../src/domain/types';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../src/local/dynamodb-local';
import { metric } from '../../support/metric-factory';

/** A document client of its own on DynamoDB Local, so a test can spy on its `send` alone. */
export const localDoc = (endpoint: string): DynamoDBDocumentClient =>
  dynamoDbDocumentClient({ region: LOCAL_REGION, endpoint, credentials: LOCAL_CREDENTIALS });

/** A sleep that records the delays it was asked for and returns at once. */
export const recordingSleep = () => {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
};

export const metricAt = (stationId: string, timestamp: number, overrides: Partial<Metric> = {}): Metric =>
  metric({ stationId, timestamp, swapRate: 12, chargerUptime: 98.5, ...overrides });

export const alertFixture = (overrides: Partial<Alert> = {}): Alert => ({
  alertId: overrides.alertId ?? randomUUID(),
  stationId: 'ST-001',
  alertType: 'LOW_INVENTORY',
  severity: 'HIGH',
  status: 'PENDING',
  title: 'Low inventory',
  description: '2 charged batteries left',
  recommendedAction: 'Dispatch a battery van',
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_500,
  occurrences: 1,
  lastSeenAt: 1_700_000_000_000,
  metadata: { chargedBatteries: 2, window: { from: 1, to: 2 } },
  ...overrides,
});

export const candidateAt = (
  triggeredAt: number,
  overrides: Partial<AlertCandidate> = {},
): AlertCandidate => ({
  stationId: 'ST-001',
  alertType: 'CHARGER_DOWN',
  severity: 'MEDIUM',
  title: 'Charger down',
  description: 'charger uptime below threshold',
  recommendedAction: 'Send a technician',
  triggeredAt,
  metadata: { chargerUptime: 40 },
  ...overrides,
});

/** The deterministic id the rule engine would give this trigger. */
export const idOf = (candidate: { stationId: string; alertType: AlertType; triggeredAt: number }): string =>
  alertIdFor(candidate.stationId, candidate.alertType, candidate.triggeredAt);

export const auditEvent = (overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  taskId: overrides.taskId ?? randomUUID(),
  alertId: 'alert-1',
  actionType: 'ALERT_CREATED',
  timestamp: 1_700_000_000_000,
  userId: 'system',
  details: { note: 'created' },
  status: 'SUCCESS',
  ...overrides,
});

/**
 * Wraps a real client's send so that the first `times` commands matching `matches` fail with
 * `error()` before reaching DynamoDB Local (how a transaction conflict looks to the caller: DynamoDB
 * Local serializes transactions, so it never produces one itself). Everything else goes through.
 */
export const failFirst = (
  doc: DynamoDBDocumentClient,
  matches: (command: unknown) => boolean,
  times: number,
  error: () => Error,
  /** Runs before each injected failure, e.g. a rival's write that wins meanwhile. */
  beforeFailing: () => Promise<unknown> = async () => undefined,
): { failures: () => number } => {
  const send = doc.send.bind(doc);
  let failures = 0;
  vi.spyOn(doc, 'send').mockImplementation((async (command: Parameters<typeof send>[0]) => {
    if (matches(command) && failures < times) {
      failures++;
      await beforeFailing();
      throw error();
    }
    return send(command);
    // send is overloaded (command x callback forms); the spy only ever serves the promise form.
  }) as unknown as typeof doc.send);
  return { failures: () => failures };
};

export const transactionConflict = (): Error =>
  new TransactionCanceledException({
    $metadata: {},
    message:
      'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None]',
    CancellationReasons: [
      { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' },
      { Code: 'None' },
    ],
  });

export const itemConflict = (): Error =>
  new TransactionConflictException({ $metadata: {}, message: 'Transaction is ongoing for the item' });
