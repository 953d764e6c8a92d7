import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CapacityLedger } from '../../observability/consumed-capacity';

/** The operations that take ReturnConsumedCapacity, and whether what they consume is read capacity. */
const OPERATIONS: Readonly<Record<string, 'read' | 'write'>> = {
  GetItem: 'read',
  BatchGetItem: 'read',
  Query: 'read',
  Scan: 'read',
  TransactGetItems: 'read',
  PutItem: 'write',
  UpdateItem: 'write',
  DeleteItem: 'write',
  BatchWriteItem: 'write',
  TransactWriteItems: 'write',
};

const MIDDLEWARE = 'aiOpsConsumedCapacity';

/**
 * Asks DynamoDB for the capacity every request of `client` consumes (ReturnConsumedCapacity TOTAL: the
 * table and its indexes together) and records it in `ledger`, so what a metric or an alert costs is what
 * DynamoDB says, not an estimate from item sizes. An input that already asks for it keeps its own setting.
 * A write refused by its condition consumes capacity too, but DynamoDB's error carries no figure: it is not
 * recorded (docs/scale.md says what that leaves out). Added once per client.
 */
export const recordConsumedCapacity = (client: DynamoDBClient, ledger: CapacityLedger): DynamoDBClient => {
  if (client.middlewareStack.identify().some((entry) => entry.startsWith(MIDDLEWARE))) return client;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? '').replace(/Command$/, '');
      const kind = OPERATIONS[operation];
      if (!kind) return next(args);
      const input = args.input as { ReturnConsumedCapacity?: string };
      const result = await next({
        ...args,
        input: { ...input, ReturnConsumedCapacity: input.ReturnConsumedCapacity ?? 'TOTAL' },
      });
      const reported = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] })
        .ConsumedCapacity;
      for (const consumed of [reported ?? []].flat()) {
        const units = consumed.CapacityUnits ?? 0;
        ledger.record({
          table: consumed.TableName ?? 'unknown',
          operation,
          readUnits: consumed.ReadCapacityUnits ?? (kind === 'read' ? units : 0),
          writeUnits: consumed.WriteCapacityUnits ?? (kind === 'write' ? units : 0),
        });
      }
      return result;
    },
    { step: 'initialize', name: MIDDLEWARE },
  );
  return client;
};
