import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { LOCAL_CREDENTIALS } from '../../local/dynamodb-local';
import { CliError } from '../errors';

/**
 * Where the deployed dead-letter commands send their SDK calls: AWS by default, or the endpoints these
 * variables name (a LocalStack, a VPC endpoint, a test double). Read once, validated; a bad URL is a usage
 * error naming the variable.
 */
const endpointsSchema = z.object({
  AIOPS_SQS_ENDPOINT: z.url().optional(),
  AIOPS_LAMBDA_ENDPOINT: z.url().optional(),
  AIOPS_DYNAMODB_STREAMS_ENDPOINT: z.url().optional(),
});

export type DeadLetterEndpoints = z.infer<typeof endpointsSchema>;

export const deadLetterEndpointsOf = (env: NodeJS.ProcessEnv): DeadLetterEndpoints => {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = endpointsSchema.safeParse(blankless);
  if (!parsed.success)
    throw new CliError(
      'USAGE',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  return parsed.data;
};

export interface DeadLetterClients {
  sqs: SQSClient;
  lambda: LambdaClient;
  streams: DynamoDBStreamsClient;
  destroy(): void;
}

/**
 * The clients of a deployed stage's dead letters. The stream is read where DynamoDB is: the Streams
 * endpoint if set, else the DynamoDB endpoint given to the command (DynamoDB Local serves both, with its
 * own credentials, as `replay --from-stream` does), else AWS.
 */
export const deadLetterClients = (
  region: string,
  dynamodbEndpoint: string | undefined,
  endpoints: DeadLetterEndpoints,
): DeadLetterClients => {
  const at = (endpoint: string | undefined) => (endpoint ? { endpoint } : {});
  const streamsEndpoint = endpoints.AIOPS_DYNAMODB_STREAMS_ENDPOINT ?? dynamodbEndpoint;
  const sqs = new SQSClient({ region, ...at(endpoints.AIOPS_SQS_ENDPOINT) });
  const lambda = new LambdaClient({ region, ...at(endpoints.AIOPS_LAMBDA_ENDPOINT) });
  const streams = new DynamoDBStreamsClient({
    region,
    ...(streamsEndpoint === dynamodbEndpoint && dynamodbEndpoint
      ? { endpoint: dynamodbEndpoint, credentials: LOCAL_CREDENTIALS }
      : at(streamsEndpoint)),
  });
  return {
    sqs,
    lambda,
    streams,
    destroy: () => {
      sqs.destroy();
      lambda.destroy();
      streams.destroy();
    },
  };
};
