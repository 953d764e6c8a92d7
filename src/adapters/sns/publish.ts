import { type MessageAttributeValue, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

// SNS subjects: ASCII, no line breaks, at most 100 characters.
const SUBJECT_MAX = 100;

export const stringAttribute = (value: string): MessageAttributeValue => ({
  DataType: 'String',
  StringValue: value,
});

export interface Publication {
  subject: string;
  message: Record<string, unknown>;
  /** The attributes subscription filter policies select on. */
  attributes: Record<string, MessageAttributeValue>;
  /** The deterministic `dedupKey` attribute (notificationDedupKeyFor) a subscriber drops duplicates by. */
  dedupKey: string;
  /** What the message is about, for the error when SNS answers without a MessageId. */
  about: string;
}

/** Publishes one message (subject made SNS-safe, body as JSON) and returns where it went. */
export const publish = async (
  client: SNSClient,
  topicArn: string,
  { subject, message, attributes, dedupKey, about }: Publication,
): Promise<{ messageId: string; topicArn: string }> => {
  const output = await client.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: subject.replace(/[^\x20-\x7e]/g, '?').slice(0, SUBJECT_MAX),
      Message: JSON.stringify(message),
      MessageAttributes: { ...attributes, dedupKey: stringAttribute(dedupKey) },
    }),
  );
  if (!output.MessageId) throw new Error(`SNS accepted ${about} without a MessageId`);
  return { messageId: output.MessageId, topicArn };
};
