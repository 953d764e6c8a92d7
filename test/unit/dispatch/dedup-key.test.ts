import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SnsAlertNotifier } from '../../../src/adapters/sns/alert-notifier';
import { SnsEscalationNotifier } from '../../../src/adapters/sns/escalation-notifier';
import { approvedAlert } from './fakes';

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:ai-ops-escalations-dev';
const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

const dedupKeys = () =>
  sns.commandCalls(PublishCommand).map((call) => call.args[0].input.MessageAttributes?.dedupKey?.StringValue);

describe('every notification carries a deterministic dedupKey attribute', () => {
  it('one key per alert and event: a retried publish repeats it, another level or alert does not', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    const client = new SNSClient({ region: 'eu-west-1' });
    const escalations = new SnsEscalationNotifier(client, TOPIC_ARN);
    const approvals = new SnsAlertNotifier(client, TOPIC_ARN);
    const alert = approvedAlert();
    const other = approvedAlert({ alertId: `${alert.alertId}-other` });

    await escalations.publishEscalation(alert, 1);
    await escalations.publishEscalation(alert, 1); // the retry of a step that failed after publishing
    await escalations.publishEscalation(alert, 2);
    await approvals.publishApproved(alert);
    await approvals.publishApproved(other);

    expect(dedupKeys()).toEqual([
      `${alert.alertId}|ALERT_ESCALATED|1`,
      `${alert.alertId}|ALERT_ESCALATED|1`,
      `${alert.alertId}|ALERT_ESCALATED|2`,
      `${alert.alertId}|ALERT_APPROVED`,
      `${other.alertId}|ALERT_APPROVED`,
    ]);
  });
});
