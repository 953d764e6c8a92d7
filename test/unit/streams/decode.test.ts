import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { compareSequenceNumbers, decodeRecord, UndecodableRecordError } from '../../../src/streams/decode';

const record = (
  overrides: Partial<DynamoDBRecord> = {},
  dynamodb: Record<string, unknown> = {},
): DynamoDBRecord =>
  ({
    eventName: 'INSERT',
    dynamodb: {
      SequenceNumber: '100',
      NewImage: marshall({ stationId: 'S1', timestamp: 5, tags: ['a'] }),
      ApproximateCreationDateTime: 1700000000,
      ...dynamodb,
    },
    ...overrides,
  }) as DynamoDBRecord;

describe('decodeRecord', () => {
  it('unmarshalls the images', () => {
    expect(decodeRecord(record())).toEqual({
      eventName: 'INSERT',
      sequenceNumber: '100',
      approximateCreationTime: 1700000000,
      newImage: { stationId: 'S1', timestamp: 5, tags: ['a'] },
    });
  });

  it('accepts a REMOVE without a new image', () => {
    const decoded = decodeRecord(
      record({ eventName: 'REMOVE' }, { NewImage: undefined, OldImage: marshall({ k: 1 }) }),
    );
    expect(decoded).toMatchObject({ eventName: 'REMOVE', oldImage: { k: 1 } });
    expect(decoded.newImage).toBeUndefined();
  });

  it.each([
    ['no sequence number', record({}, { SequenceNumber: undefined }), /missing dynamodb.SequenceNumber/],
    [
      'an unknown event name',
      record({ eventName: 'UPSERT' as DynamoDBRecord['eventName'] }),
      /unknown eventName/,
    ],
    ['an INSERT without NewImage', record({}, { NewImage: undefined }), /without NewImage/],
  ])('refuses %s, naming the sequence number', (_name, bad, message) => {
    expect(() => decodeRecord(bad)).toThrow(UndecodableRecordError);
    expect(() => decodeRecord(bad)).toThrow(message);
  });
});

describe('compareSequenceNumbers', () => {
  it('orders by numeric value, not by string', () => {
    expect(compareSequenceNumbers('99', '100')).toBe(-1);
    expect(compareSequenceNumbers('000000000000000000200', '100')).toBe(1);
    expect(compareSequenceNumbers('7', '7')).toBe(0);
  });
});
