import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface Notification {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  messageAttributes: Record<string, string>;
  publishedAt: string;
}

/**
 * Where SNS publishes go locally: appended as JSON lines to a file of the data folder and shown on
 * the console, so a subscriber's view can be read without an AWS account.
 */
export const createNotificationSink = (file: string, show: (notification: Notification) => void) => {
  let writing: Promise<void> = Promise.resolve();
  return async (publish: Omit<Notification, 'messageId' | 'publishedAt'>): Promise<{ messageId: string }> => {
    const notification: Notification = {
      ...publish,
      messageId: randomUUID(),
      publishedAt: new Date().toISOString(),
    };
    writing = writing.then(async () => {
      await mkdir(dirname(file), { recursive: true });
      await appendFile(file, `${JSON.stringify(notification)}\n`);
    });
    await writing;
    show(notification);
    return { messageId: notification.messageId };
  };
};
