import { type MessageAttributeValue, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { EscalationNotifier } from '../../domain/ports';
import type { Alert } from '../../domain/types';

const stringAttribute = (value: string): MessageAttributeValue => ({
  DataType: 'String',
  StringValue: value,
});

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

  async publishEscalation(alert: Alert, level: number): Promise<{ messageId: string; topicArn: string }> {
    const output = await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: `[ESCALATION ${level}] ${alert.severity} ${alert.alertType} undecided at ${alert.stationId}`
          .replace(/[^\x20-\x7e]/g, '?')
          .slice(0, 100),
        Message: JSON.stringify(escalationMessageOf(alert, level)),
        // The attributes a subscription filter policy selects on (e.g. level >= 2 pages the duty manager).
        MessageAttributes: {
          event: stringAttribute('ALERT_ESCALATED'),
          level: { DataType: 'Number', StringValue: String(level) },
          severity: stringAttribute(alert.severity),
          alertType: stringAttribute(alert.alertType),
          stationId: stringAttribute(alert.stationId),
        },
      }),
    );
    if (!output.MessageId)
      throw new Error(`SNS accepted the escalation of alert ${alert.alertId} without a MessageId`);
    return { messageId: output.MessageId, topicArn: this.topicArn };
  }
}
