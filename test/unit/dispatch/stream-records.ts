import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

type Image = Record<string, AttributeValue>;

// The SDK's AttributeValue and aws-lambda's are the same wire shape under different TypeScript types.
const toStreamImage = (item: Record<string, unknown>): Image =>
  marshall(item, { removeUndefinedValues: true }) as unknown as Image;

/** A DynamoDB Streams record of the alerts table as Lambda delivers it (NEW_AND_OLD_IMAGES). */
export const streamRecord = (
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  sequenceNumber: string,
  images: { newImage?: Record<string, unknown>; oldImage?: Record<string, unknown> },
): DynamoDBRecord => {
  const keySource = images.newImage ?? images.oldImage ?? {};
  return {
    eventID: `event-${sequenceNumber}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    eventSourceARN:
      'arn:aws:dynamodb:eu-west-1:123456789012:table/ai-ops-alerts-test/stream/2024-01-01T00:00:00.000',
    dynamodb: {
      ApproximateCreationDateTime: 1_700_000_000,
      Keys: toStreamImage({ alertId: keySource.alertId }),
      SequenceNumber: sequenceNumber,
      SizeBytes: 512,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      ...(images.newImage ? { NewImage: toStreamImage(images.newImage) } : {}),
      ...(images.oldImage ? { OldImage: toStreamImage(images.oldImage) } : {}),
    },
  };
};

export const streamEvent = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });
