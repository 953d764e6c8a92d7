import { SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import { notificationDedupKeyFor } from '../../domain/ids';
import type { AlertNotifier } from '../../domain/ports';
import type { Alert } from '../../domain/types';
import { withoutSdkCallLog } from '../sdk-call-log';
import { publish, stringAttribute } from './publish';

/** The `event` of an approval, in the body and as the attribute filter policies select on. */
export const APPROVED_EVENT = 'ALERT_APPROVED';

/** What subscribers receive: enough to act on without reading the alerts table. */
export const approvedMessageOf = (alert: Alert): Record<string, unknown> => ({
  event: APPROVED_EVENT,
  alertId: alert.alertId,
  stationId: alert.stationId,
  alertType: alert.alertType,
  severity: alert.severity,
  title: alert.title,
  description: alert.description,
  recommendedAction: alert.recommendedAction,
  occurrences: alert.occurrences,
  createdAt: alert.createdAt,
  approvedAt: alert.approvedAt,
  approvedBy: alert.approvedBy,
});

/** Publishes approved alerts to the alerts topic. */
export class SnsAlertNotifier implements AlertNotifier {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  publishApproved(alert: Alert): Promise<{ messageId: string; topicArn: string }> {
    return publish(this.client, this.topicArn, {
      subject: `[${alert.severity}] ${alert.alertType} approved at ${alert.stationId}`,
      message: approvedMessageOf(alert),
      // The attributes subscription filter policies match on; the workflow's outcome messages carry
      // the same four (docs/operations.md has an example filter policy).
      attributes: {
        event: stringAttribute(APPROVED_EVENT),
        alertType: stringAttribute(alert.alertType),
        severity: stringAttribute(alert.severity),
        stationId: stringAttribute(alert.stationId),
      },
      dedupKey: notificationDedupKeyFor(alert.alertId, APPROVED_EVENT),
      about: `the message for alert ${alert.alertId}`,
    });
  }
}

/** A client for the configured region, pointed at a local endpoint when one is set. */
export const snsClient = (options: {
  region: string;
  endpoint?: string;
  retryStrategy?: SNSClientConfig['retryStrategy'];
}): SNSClient =>
  withoutSdkCallLog(
    new SNSClient({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.retryStrategy ? { retryStrategy: options.retryStrategy } : {}),
    }),
  );
