import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/**
 * The Lambda context a handler sees locally (Powertools reads name, request id and memory from it).
 * `deadlineMs` is when the invocation is stopped (the function pool enforces the function's timeout), so
 * getRemainingTimeInMillis is the truth, as Powertools idempotency needs for its in-progress expiry.
 */
export const lambdaContext = (
  qualifiedName: string,
  memoryMb = '1024',
  timeoutSeconds = 6,
  deadlineMs?: number,
): Context => {
  const deadline = deadlineMs ?? Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: qualifiedName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${qualifiedName}`,
    memoryLimitInMB: memoryMb,
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${qualifiedName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
