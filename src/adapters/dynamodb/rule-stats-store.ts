import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { RuleStatsStore } from '../../domain/ports';
import type { RuleStatsBucket, RuleStatsEvent } from '../../domain/rule-stats';
import { ALERT_TYPES, AUDIT_TTL_DAYS, SEVERITIES, ttlAfterDays } from '../../domain/types';
import { backoffDelay, type RetryPolicy, retryPolicy } from './backoff';
import { fieldReader, type Item } from './item-fields';
import { queryAll } from './pages';
import { cancellationReasons, isTransactionConflict } from './sdk-errors';

/**
 * Rule statistics live in the audit table, beside the trail they summarise (no table of their own to
 * provision, grant and back up): one counter row per day, rule and severity (actionType RULE_STATS, its
 * day as `timestamp`, so TimeIndex finds a period's rows with one Query), and one marker row per counted
 * event (taskId only: in no index). Markers and counters expire with the trail (90 days).
 */
export const RULE_STATS_ACTION = 'RULE_STATS';

const counterKey = (event: Pick<RuleStatsEvent, 'day' | 'alertType' | 'severity'>): string =>
  `RULE_STATS#${new Date(event.day).toISOString().slice(0, 10)}#${event.alertType}#${event.severity}`;

export interface DynamoRuleStatsStoreOptions {
  doc: DynamoDBDocumentClient;
  /** The audit table. */
  tableName: string;
  retry?: Partial<RetryPolicy>;
}

export class DynamoRuleStatsStore implements RuleStatsStore {
  private readonly retry: RetryPolicy;

  constructor(private readonly options: DynamoRuleStatsStoreOptions) {
    this.retry = retryPolicy(options.retry, { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 500 });
  }

  /**
   * One transaction: the event's marker (conditional on being new) and the ADD of its counters. A replay
   * fails the marker's condition and the whole transaction changes nothing; a crash between the two
   * cannot happen. Cost per event: 2 writes, doubled by the transaction, plus TimeIndex's copy of the
   * counter row: about 6 write units for rows under 1 KB.
   */
  async count(event: RuleStatsEvent): Promise<boolean> {
    const names: Record<string, string> = { '#ts': 'timestamp' };
    const values: Record<string, unknown> = {
      ':action': RULE_STATS_ACTION,
      ':day': event.day,
      ':type': event.alertType,
      ':severity': event.severity,
      ':ttl': ttlAfterDays(event.day, AUDIT_TTL_DAYS),
    };
    const adds = Object.entries(event.counts).map(([name, n], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = n;
      return `#c${i} :c${i}`;
    });
    const now = event.day;
    const command = new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: this.options.tableName,
            Item: { taskId: `RULE_STATS_SEEN#${event.key}`, ttl: ttlAfterDays(now, AUDIT_TTL_DAYS) },
            ConditionExpression: 'attribute_not_exists(taskId)',
          },
        },
        {
          Update: {
            TableName: this.options.tableName,
            Key: { taskId: counterKey(event) },
            UpdateExpression: `SET actionType = :action, #ts = :day, alertType = :type, severity = :severity, #ttl = :ttl ADD ${adds.join(', ')}`,
            ExpressionAttributeNames: { ...names, '#ttl': 'ttl' },
            ExpressionAttributeValues: values,
          },
        },
      ],
    });
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.doc.send(command);
        return true;
      } catch (error) {
        if (cancellationReasons(error)?.[0]?.code === 'ConditionalCheckFailed') return false;
        if (!isTransactionConflict(error) || attempt + 1 >= this.retry.maxAttempts) throw error;
        // Two events of one day, rule and severity racing on the counter row: retry.
        await this.retry.sleep(backoffDelay(this.retry, attempt));
      }
    }
  }

  async buckets(fromDay: number, toDay: number): Promise<RuleStatsBucket[]> {
    const items = await queryAll(this.options.doc, {
      TableName: this.options.tableName,
      IndexName: 'TimeIndex',
      KeyConditionExpression: 'actionType = :action AND #ts BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#ts': 'timestamp' },
      ExpressionAttributeValues: { ':action': RULE_STATS_ACTION, ':from': fromDay, ':to': toDay },
    });
    return items.map((item) => this.bucketOf(item));
  }

  private bucketOf(item: Item): RuleStatsBucket {
    const f = fieldReader(this.options.tableName, item);
    const counts: Record<string, number> = {};
    for (const [name, value] of Object.entries(item))
      if (typeof value === 'number' && !['timestamp', 'ttl'].includes(name)) counts[name] = value;
    return {
      day: f.number('timestamp'),
      alertType: f.oneOf('alertType', ALERT_TYPES),
      severity: f.oneOf('severity', SEVERITIES),
      counts,
    };
  }
}
