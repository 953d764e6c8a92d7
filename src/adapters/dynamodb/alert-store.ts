import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AlertAlreadyExistsError, AlertNotFoundError } from '../../domain/errors';
import { type ApprovalDeadlines, DEFAULT_APPROVAL_DEADLINES } from '../../domain/lifecycle';
import type {
  AlertCandidate,
  AlertQuery,
  AlertStore,
  Decision,
  IncidentEnd,
  ManualResolution,
  Page,
  RaiseOutcome,
} from '../../domain/ports';
import type { Alert, AlertType } from '../../domain/types';
import { decideAlert, readAlert } from './alert-decide';
import { escalateAlert, pendingPastDeadline } from './alert-escalate';
import { alertToItem, isAlertItem } from './alert-item';
import { listAlerts } from './alert-list';
import { raiseAlert } from './alert-raise';
import { endIncident, resolveAlert } from './alert-resolve';
import type { AlertTable } from './alert-table';
import { type RetryPolicy, retryPolicy } from './backoff';
import { conditionFailure } from './sdk-errors';

export interface DynamoAlertStoreOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Retry of transaction conflicts in raise() and decide(); tests inject `sleep`. */
  retry?: Partial<RetryPolicy>;
  /** Approval deadlines of new PENDING alerts (the defaults unless the stage overrides them). */
  deadlines?: ApprovalDeadlines;
}

/** The alerts table: alerts, plus one guard row per open (stationId, alertType) (see alert-item.ts). */
export class DynamoAlertStore implements AlertStore {
  private readonly table: AlertTable;

  constructor(options: DynamoAlertStoreOptions) {
    this.table = {
      doc: options.doc,
      tableName: options.tableName,
      // Conflicts clear within a transaction's lifetime (milliseconds): short, many, jittered retries.
      retry: retryPolicy(options.retry, { maxAttempts: 10, baseDelayMs: 10, maxDelayMs: 500 }),
      deadlines: options.deadlines ?? DEFAULT_APPROVAL_DEADLINES,
    };
  }

  async create(alert: Alert): Promise<void> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: alertToItem(alert),
          ConditionExpression: 'attribute_not_exists(alertId)',
        }),
      );
    } catch (error) {
      if (conditionFailure(error)) throw new AlertAlreadyExistsError(alert.alertId);
      throw error;
    }
  }

  get(alertId: string): Promise<Alert | undefined> {
    return readAlert(this.table, alertId);
  }

  list(query: AlertQuery): Promise<Page<Alert>> {
    return listAlerts(this.table, query);
  }

  decide(alertId: string, decision: Decision): Promise<Alert> {
    return decideAlert(this.table, alertId, decision);
  }

  resolve(alertId: string, resolution: ManualResolution): Promise<Alert> {
    return resolveAlert(this.table, alertId, resolution);
  }

  endIncident(stationId: string, alertType: AlertType, clearedAt: number, now: number): Promise<IncidentEnd> {
    return endIncident(this.table, stationId, alertType, clearedAt, now);
  }

  pendingPastDeadline(now: number): Promise<Alert[]> {
    return pendingPastDeadline(this.table, now);
  }

  escalate(alertId: string, from: number, now: number): Promise<boolean> {
    return escalateAlert(this.table, alertId, from, now);
  }

  raise(candidate: AlertCandidate, alertId: string, now: number): Promise<RaiseOutcome> {
    return raiseAlert(this.table, candidate, alertId, now);
  }

  async setExecutionArn(alertId: string, executionArn: string, now: number): Promise<void> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: { alertId },
          UpdateExpression: 'SET stepFunctionExecutionArn = :arn, updatedAt = :now',
          // Skipping the write when the ARN is already recorded keeps a replay from emitting a stream record.
          // #status exists on alerts only, so a guard row's key never gets an ARN.
          ConditionExpression:
            'attribute_exists(#status) AND (attribute_not_exists(stepFunctionExecutionArn) OR stepFunctionExecutionArn <> :arn)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':arn': executionArn, ':now': now },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      const failure = conditionFailure(error);
      if (!failure) throw error;
      if (!isAlertItem(failure.item)) throw new AlertNotFoundError(alertId);
      // The alert exists, so the condition failed on the ARN: it is already this one.
    }
  }
}
