import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';

/** A stream record with its images as plain objects. */
export interface ChangeRecord {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  sequenceNumber: string;
  /** Epoch seconds, when the stream says. */
  approximateCreationTime?: number;
  newImage?: Record<string, unknown>;
  oldImage?: Record<string, unknown>;
}

/** A record that cannot be decoded; carries its sequence number for the batch response and the logs. */
export class UndecodableRecordError extends Error {
  constructor(
    readonly sequenceNumber: string,
    reason: string,
  ) {
    super(`stream record ${sequenceNumber || '(no sequence number)'} cannot be decoded: ${reason}`);
    this.name = 'UndecodableRecordError';
  }
}

const EVENT_NAMES = new Set(['INSERT', 'MODIFY', 'REMOVE']);

type Image = Record<string, AttributeValue>;

// aws-lambda's AttributeValue and the SDK's are the same wire shape with different TypeScript types.
const toObject = (image: Image): Record<string, unknown> =>
  unmarshall(image as Parameters<typeof unmarshall>[0]) as Record<string, unknown>;

export const sequenceNumberOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? '';

/** Decodes one DynamoDB Streams record (as Lambda delivers it); throws UndecodableRecordError. */
export const decodeRecord = (record: DynamoDBRecord): ChangeRecord => {
  const sequenceNumber = sequenceNumberOf(record);
  if (!sequenceNumber) throw new UndecodableRecordError('', 'missing dynamodb.SequenceNumber');
  if (!record.eventName || !EVENT_NAMES.has(record.eventName)) {
    throw new UndecodableRecordError(sequenceNumber, `unknown eventName ${String(record.eventName)}`);
  }
  const eventName = record.eventName;
  const { NewImage, OldImage, ApproximateCreationDateTime } = record.dynamodb ?? {};
  if (eventName !== 'REMOVE' && !NewImage) {
    throw new UndecodableRecordError(
      sequenceNumber,
      `${eventName} without NewImage (stream view type must include new images)`,
    );
  }
  try {
    return {
      eventName,
      sequenceNumber,
      ...(typeof ApproximateCreationDateTime === 'number'
        ? { approximateCreationTime: ApproximateCreationDateTime }
        : {}),
      ...(NewImage ? { newImage: toObject(NewImage) } : {}),
      ...(OldImage ? { oldImage: toObject(OldImage) } : {}),
    };
  } catch (error) {
    throw new UndecodableRecordError(sequenceNumber, error instanceof Error ? error.message : String(error));
  }
};

/** Stream order: DynamoDB sequence numbers are decimal strings that grow within a shard. */
export const compareSequenceNumbers = (a: string, b: string): number => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
};
