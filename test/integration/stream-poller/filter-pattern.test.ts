import { describe, expect, it } from 'vitest';
import {
  matchesAnyFilter,
  matchesFilterPattern,
  validateFilterPattern,
} from '../../../src/local/stream-poller';

// Unit tests of the matcher (no DynamoDB): they live here with the rest of the poller's tests.

const record = {
  eventName: 'MODIFY',
  eventSource: 'aws:dynamodb',
  dynamodb: {
    ApproximateCreationDateTime: 1700000000,
    Keys: { alertId: { S: 'alert-42' } },
    NewImage: { alertId: { S: 'alert-42' }, status: { S: 'APPROVED' }, tags: { SS: ['ops', 'battery'] } },
    OldImage: { alertId: { S: 'alert-42' }, status: { S: 'PENDING' } },
    SizeBytes: 120,
  },
};

describe('filter patterns: matching', () => {
  it('matches exact values from a list (OR within a list)', () => {
    expect(matchesFilterPattern({ eventName: ['INSERT', 'MODIFY'] }, record)).toBe(true);
    expect(matchesFilterPattern({ eventName: ['INSERT', 'REMOVE'] }, record)).toBe(false);
  });

  it('matches nested objects, every key of the pattern (AND)', () => {
    const approved = { dynamodb: { NewImage: { status: { S: ['APPROVED'] } } } };
    expect(matchesFilterPattern(approved, record)).toBe(true);
    expect(matchesFilterPattern({ ...approved, eventName: ['INSERT'] }, record)).toBe(false);
    expect(matchesFilterPattern({ dynamodb: { OldImage: { status: { S: ['APPROVED'] } } } }, record)).toBe(
      false,
    );
    // A nested pattern does not match a scalar, nor a missing subtree.
    expect(matchesFilterPattern({ eventName: { S: ['MODIFY'] } }, record)).toBe(false);
    expect(matchesFilterPattern({ dynamodb: { Missing: { S: ['x'] } } }, record)).toBe(false);
  });

  it('is type-strict: a number does not equal its string', () => {
    expect(matchesFilterPattern({ dynamodb: { SizeBytes: [120] } }, record)).toBe(true);
    expect(matchesFilterPattern({ dynamodb: { SizeBytes: ['120'] } }, record)).toBe(false);
  });

  it('exists: true needs a leaf value, exists: false its absence (also of the whole subtree)', () => {
    expect(
      matchesFilterPattern({ dynamodb: { NewImage: { status: { S: [{ exists: true }] } } } }, record),
    ).toBe(true);
    expect(
      matchesFilterPattern({ dynamodb: { NewImage: { owner: { S: [{ exists: true }] } } } }, record),
    ).toBe(false);
    expect(
      matchesFilterPattern({ dynamodb: { NewImage: { owner: { S: [{ exists: false }] } } } }, record),
    ).toBe(true);
    expect(
      matchesFilterPattern({ dynamodb: { NewImage: { status: { S: [{ exists: false }] } } } }, record),
    ).toBe(false);
    // An object is not a leaf: exists on `status` itself (rather than its S) does not match.
    expect(matchesFilterPattern({ dynamodb: { NewImage: { status: [{ exists: true }] } } }, record)).toBe(
      false,
    );
    const removed = { eventName: 'REMOVE', dynamodb: { Keys: { alertId: { S: 'a' } } } };
    expect(
      matchesFilterPattern({ dynamodb: { NewImage: { status: { S: [{ exists: false }] } } } }, removed),
    ).toBe(true);
  });

  it('prefix, suffix and equals-ignore-case compare strings only', () => {
    expect(
      matchesFilterPattern({ dynamodb: { Keys: { alertId: { S: [{ prefix: 'alert-' }] } } } }, record),
    ).toBe(true);
    expect(
      matchesFilterPattern({ dynamodb: { Keys: { alertId: { S: [{ prefix: 'task-' }] } } } }, record),
    ).toBe(false);
    expect(
      matchesFilterPattern({ dynamodb: { Keys: { alertId: { S: [{ suffix: '-42' }] } } } }, record),
    ).toBe(true);
    expect(matchesFilterPattern({ eventName: [{ 'equals-ignore-case': 'modify' }] }, record)).toBe(true);
    expect(matchesFilterPattern({ dynamodb: { SizeBytes: [{ prefix: '1' }] } }, record)).toBe(false);
  });

  it('anything-but excludes values or a prefix, and needs the field to be there', () => {
    expect(matchesFilterPattern({ eventName: [{ 'anything-but': ['REMOVE'] }] }, record)).toBe(true);
    expect(matchesFilterPattern({ eventName: [{ 'anything-but': ['REMOVE', 'MODIFY'] }] }, record)).toBe(
      false,
    );
    expect(matchesFilterPattern({ eventName: [{ 'anything-but': 'MODIFY' }] }, record)).toBe(false);
    expect(matchesFilterPattern({ eventName: [{ 'anything-but': { prefix: 'MOD' } }] }, record)).toBe(false);
    expect(matchesFilterPattern({ eventName: [{ 'anything-but': { prefix: 'INS' } }] }, record)).toBe(true);
    expect(matchesFilterPattern({ missing: [{ 'anything-but': ['x'] }] }, record)).toBe(false);
  });

  it('numeric compares numbers with one or two bounds; DynamoDB N strings do not match', () => {
    expect(matchesFilterPattern({ dynamodb: { SizeBytes: [{ numeric: ['>', 0] }] } }, record)).toBe(true);
    expect(
      matchesFilterPattern({ dynamodb: { SizeBytes: [{ numeric: ['>', 0, '<=', 100] }] } }, record),
    ).toBe(false);
    expect(matchesFilterPattern({ dynamodb: { SizeBytes: [{ numeric: ['=', 120] }] } }, record)).toBe(true);
    const withNumber = { dynamodb: { NewImage: { level: { N: '5' } } } };
    expect(
      matchesFilterPattern({ dynamodb: { NewImage: { level: { N: [{ numeric: ['>', 0] }] } } } }, withNumber),
    ).toBe(false);
    expect(matchesFilterPattern({ dynamodb: { NewImage: { level: { N: ['5'] } } } }, withNumber)).toBe(true);
  });

  it('matches an array in the record when any element matches', () => {
    expect(matchesFilterPattern({ dynamodb: { NewImage: { tags: { SS: ['battery'] } } } }, record)).toBe(
      true,
    );
    expect(matchesFilterPattern({ dynamodb: { NewImage: { tags: { SS: ['solar'] } } } }, record)).toBe(false);
  });

  it('matchesAnyFilter: OR across patterns; no patterns means no filtering', () => {
    expect(matchesAnyFilter([], record)).toBe(true);
    expect(matchesAnyFilter([{ eventName: ['INSERT'] }, { eventName: ['MODIFY'] }], record)).toBe(true);
    expect(matchesAnyFilter([{ eventName: ['INSERT'] }, { eventName: ['REMOVE'] }], record)).toBe(false);
  });
});

describe('filter patterns: validation', () => {
  it('accepts the supported grammar', () => {
    expect(
      validateFilterPattern({
        eventName: ['INSERT', 'MODIFY'],
        dynamodb: {
          NewImage: {
            status: { S: ['APPROVED', { prefix: 'AP' }, { 'anything-but': ['X'] }, { exists: true }] },
            level: { N: [{ 'equals-ignore-case': 'x' }] },
          },
          SizeBytes: [{ numeric: ['>=', 1, '<', 10] }, null, 3, true],
        },
      }),
    ).toEqual([]);
  });

  it('names each unsupported or malformed part with its path', () => {
    expect(validateFilterPattern({ eventName: 'INSERT' })).toEqual([
      'eventName: leaves must be arrays of rules (write ["INSERT"])',
    ]);
    expect(validateFilterPattern({ dynamodb: { Keys: [{ wildcard: 'a*' }] } })).toEqual([
      "dynamodb.Keys[0]: unsupported operator 'wildcard'",
    ]);
    expect(validateFilterPattern({ n: [{ numeric: ['>'] }] })).toEqual([
      "n[0].numeric: must be operator/number pairs, e.g. ['>', 0]",
    ]);
    expect(validateFilterPattern({})).toEqual(['pattern: must not be empty']);
    expect(validateFilterPattern({ a: [] })).toEqual(['a: an empty rule list matches nothing']);
    expect(validateFilterPattern({ a: [{ exists: 'yes' }] })).toEqual(['a[0].exists: must be true or false']);
  });
});
