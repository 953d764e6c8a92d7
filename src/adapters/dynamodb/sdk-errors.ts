import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Item } from './item-fields';

/**
 * The document client translates requests and responses but not errors: the items that
 * ReturnValuesOnConditionCheckFailure attaches to an error are still raw AttributeValues.
 */

/** A failed condition, with the item as it was (when ReturnValuesOnConditionCheckFailure asked for it). */
export const conditionFailure = (error: unknown): { item: Item | undefined } | undefined =>
  error instanceof ConditionalCheckFailedException
    ? { item: error.Item ? unmarshall(error.Item) : undefined }
    : undefined;

export type CancellationCode = 'None' | 'ConditionalCheckFailed' | 'TransactionConflict' | (string & {});

export interface CancellationReason {
  code: CancellationCode;
  item: Item | undefined;
}

/** The per-operation reasons of a cancelled transaction, in the order of its items. */
export const cancellationReasons = (error: unknown): CancellationReason[] | undefined =>
  error instanceof TransactionCanceledException
    ? (error.CancellationReasons ?? []).map((reason) => ({
        code: reason.Code ?? 'None',
        item: reason.Item ? unmarshall(reason.Item) : undefined,
      }))
    : undefined;

/** A write that collided with a transaction in flight on the same item: safe to retry. */
export const isTransactionConflict = (error: unknown): boolean =>
  error instanceof TransactionConflictException ||
  (cancellationReasons(error)?.some((r) => r.code === 'TransactionConflict') ?? false);
