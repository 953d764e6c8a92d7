import type { _Record, AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord, StreamRecord } from 'aws-lambda';

/**
 * A stream record as the SDK returns it, turned into the record Lambda puts in the event: the SDK
 * deserializes ApproximateCreationDateTime to a Date and binaries to bytes, whereas the function receives
 * epoch seconds and base64 strings (the JSON of the wire format). Handlers written against the real event
 * must see the same shapes locally.
 */
export interface StreamEntry {
  /** Exactly what the handler receives in `Records[]`. */
  record: DynamoDBRecord;
  sequenceNumber: string;
  /** ApproximateCreationDateTime in epoch milliseconds, as the stream reports it (for dead-letter entries). */
  createdAtMs: number | undefined;
  /** The moment maximumRecordAgeInSeconds measures from (see ageOrigin). */
  ageFromMs: number;
}

/**
 * DynamoDB Local rounds ApproximateCreationDateTime down to the minute, so taken literally a record written
 * a second ago can look 59 s old. Ages are therefore measured from the latest creation time the stream's
 * value allows, but never later than the poller first read the record: a record is never discarded early,
 * and at worst (first read long after it was written, e.g. after a restart) up to a minute late.
 */
const ROUNDING_MS = 60_000;
const ageOrigin = (createdAtMs: number | undefined, readAtMs: number): number =>
  createdAtMs === undefined ? readAtMs : Math.min(createdAtMs + ROUNDING_MS - 1, readAtMs);

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

const toLambdaAttribute = (value: SdkAttributeValue): AttributeValue => {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaAttribute) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  throw new Error(`unsupported attribute value in stream record: ${JSON.stringify(Object.keys(value))}`);
};

const toLambdaImage = (image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaAttribute(value)]));

export const toStreamEntry = (
  sdkRecord: _Record,
  streamArn: string,
  options: { awsRegion?: string | undefined; readAtMs: number },
): StreamEntry => {
  const source = sdkRecord.dynamodb;
  const sequenceNumber = source?.SequenceNumber;
  if (!source || !sequenceNumber) throw new Error('stream record without a sequence number');
  const created = source.ApproximateCreationDateTime;
  const dynamodb: StreamRecord = {};
  if (created) dynamodb.ApproximateCreationDateTime = created.getTime() / 1000;
  if (source.Keys) dynamodb.Keys = toLambdaImage(source.Keys);
  if (source.NewImage) dynamodb.NewImage = toLambdaImage(source.NewImage);
  if (source.OldImage) dynamodb.OldImage = toLambdaImage(source.OldImage);
  dynamodb.SequenceNumber = sequenceNumber;
  if (source.SizeBytes !== undefined) dynamodb.SizeBytes = source.SizeBytes;
  if (source.StreamViewType) dynamodb.StreamViewType = source.StreamViewType;
  const record: DynamoDBRecord = {
    eventID: sdkRecord.eventID,
    eventName: sdkRecord.eventName,
    eventVersion: sdkRecord.eventVersion,
    eventSource: sdkRecord.eventSource ?? 'aws:dynamodb',
    awsRegion: options.awsRegion ?? sdkRecord.awsRegion,
    dynamodb,
    eventSourceARN: streamArn,
  };
  // Present only for TTL deletions, as in the real event.
  if (sdkRecord.userIdentity) record.userIdentity = { ...sdkRecord.userIdentity };
  const createdAtMs = created?.getTime();
  return { record, sequenceNumber, createdAtMs, ageFromMs: ageOrigin(createdAtMs, options.readAtMs) };
};
