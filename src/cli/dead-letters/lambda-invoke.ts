import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import type { StreamInvoke } from '../../local/stream-poller';

/** The Lambda call this module makes; the SDK's client, or a fake with the same `send` in tests. */
export type LambdaSender = Pick<LambdaClient, 'send'>;

/** The deployed function failed the invocation (FunctionError): the batch failed, as under its mapping. */
export class FunctionInvocationError extends Error {
  constructor(
    readonly functionError: string,
    message: string,
  ) {
    super(message);
    this.name = 'FunctionInvocationError';
  }
}

const errorMessageOf = (payload: string): string => {
  try {
    const parsed = JSON.parse(payload) as { errorType?: unknown; errorMessage?: unknown };
    return [parsed.errorType, parsed.errorMessage].filter((v) => typeof v === 'string').join(': ') || payload;
  } catch {
    return payload;
  }
};

/**
 * Delivers a stream event to the deployed function as its event source mapping does: a synchronous
 * invocation (RequestResponse) whose payload is the event and whose result is the batch response. A
 * function error becomes a thrown error, which the batch processor counts as a failed batch.
 */
export const lambdaStreamInvoke =
  (lambda: LambdaSender, functionArn: string): StreamInvoke =>
  async (event) => {
    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: functionArn,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    const payload = response.Payload ? new TextDecoder().decode(response.Payload) : '';
    if (response.FunctionError)
      throw new FunctionInvocationError(response.FunctionError, errorMessageOf(payload));
    // The batch processor reads the response the way Lambda does (classifyBatchResponse) and refuses a bad one.
    return payload.trim() === '' ? undefined : (JSON.parse(payload) as DynamoDBBatchResponse | undefined);
  };
