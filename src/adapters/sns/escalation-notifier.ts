import type { SNSClient } from '@aws-sdk/client-sns';
import { notificationDedupKeyFor } from '../../domain/ids';
import type { EscalationNotifier } from '../../domain/ports';
import type { Alert } from '../../domain/types';
import { publish, stringAttribute } from './publish';

/** What the on-call escalation receives: enough to act on without reading the alerts table. */
export const escalationMessageOf = (alert: Alert, level: number): Record<string, unknown> => ({
  event: 'ALERT_ESCALATED',
  level,
  alertId: alert.alertId,
  stationId: alert.stationId,
  alertType: alert.alertType,
  severity: alert.severity,
  title: alert.title,
  recommendedAction: alert.recommendedAction,
  createdAt: alert.createdAt,
  deadlineAt: alert.deadlineAt,
});

/** Publishes escalations of undecided alerts to the escalation topic (`ai-ops-escalations-<stage>`). */
export class SnsEscalationNotifier implements EscalationNotifier {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  publishEscalation(alert: Alert, level: number): Promise<{ messageId: string; topicArn: string }> {
    return publish(this.client, this.topicArn, {
      subject: `[ESCALATION ${level}] ${alert.severity} ${alert.alertType} undecided at ${alert.stationId}`,
      message: escalationMessageOf(alert, level),
      // The attributes a subscription filter policy selects on (e.g. level >= 2 pages the duty manager).
      attributes: {
        event: stringAttribute('ALERT_ESCALATED'),
        level: { DataType: 'Number', StringValue: String(level) },
        severity: stringAttribute(alert.severity),
        alertType: stringAttribute(alert.alertType),
        stationId: stringAttribute(alert.stationId),
      },
      dedupKey: notificationDedupKeyFor(alert.alertId, 'ALERT_ESCALATED', String(level)),
      about: `the escalation of alert ${alert.alertId}`,
    });
  }
}
