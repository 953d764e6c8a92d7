import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:000000000000:table/test/stream/2026-01-01T00:00:00.000';

let sequence = 1_000_000n;
/** Increasing, zero-padded sequence numbers as DynamoDB Streams issues them. */
export const nextSequenceNumber = (): string => {
  sequence += 1n;
  return sequence.toString().padStart(21, '0');
};

/** A DynamoDB Streams record as Lambda delivers it, for any item type. */
export const streamRecord = (
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  keys: Record<string, unknown>,
  images: { newImage?: object; oldImage?: object },
  sequenceNumber = nextSequenceNumber(),
): DynamoDBRecord =>
  ({
    eventID: `e-${sequenceNumber}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    eventSourceARN: STREAM_ARN,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: marshall(keys, { removeUndefinedValues: true }),
      ...(images.newImage ? { NewImage: marshall(images.newImage, { removeUndefinedValues: true }) } : {}),
      ...(images.oldImage ? { OldImage: marshall(images.oldImage, { removeUndefinedValues: true }) } : {}),
      SequenceNumber: sequenceNumber,
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  }) as DynamoDBRecord;

/** An INSERT of a metric into the metrics table. */
export const metricInserted = (metric: { stationId: string; timestamp: number }, sequenceNumber?: string) =>
  streamRecord(
    'INSERT',
    { stationId: metric.stationId, timestamp: metric.timestamp },
    { newImage: metric },
    sequenceNumber,
  );

export const streamEvent = (records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

/** A change of the alerts table, keyed by the alertId of whichever image it carries. */
export const alertChanged = (
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  sequenceNumber: string,
  images: { newImage?: Record<string, unknown>; oldImage?: Record<string, unknown> },
): DynamoDBRecord =>
  streamRecord(eventName, { alertId: (images.newImage ?? images.oldImage)?.alertId }, images, sequenceNumber);
