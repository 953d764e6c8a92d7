import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LocalAwsEndpoints,
  type LocalPublish,
  startLocalAwsEndpoints,
} from '../../src/local/aws-endpoints/server';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

describe('local Step Functions and SNS endpoints', () => {
  let endpoints: LocalAwsEndpoints;
  const started: { name: string; input: string }[] = [];
  const published: LocalPublish[] = [];

  beforeAll(async () => {
    endpoints = await startLocalAwsEndpoints({
      startExecution: async ({ stateMachineArn, name, input }) => {
        const existing = started.find((s) => s.name === name);
        if (existing && existing.input !== input) {
          const error = new Error(`Execution Already Exists: '${name}'`);
          error.name = 'ExecutionAlreadyExists';
          throw error;
        }
        if (!existing) started.push({ name, input });
        return {
          executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
          startDate: 1_700_000_000_000,
        };
      },
      publish: async (request) => {
        published.push(request);
        return { messageId: `m-${published.length}` };
      },
    });
  });
  afterAll(() => endpoints.close());

  it('answers the SDK StartExecution like Step Functions, including ExecutionAlreadyExists', async () => {
    const sfn = new SFNClient({ endpoint: endpoints.url, region: 'eu-west-1', credentials, maxAttempts: 1 });
    const arn = 'arn:aws:states:eu-west-1:000000000000:stateMachine:sm';
    const first = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'alert-1', input: '{"a":1}' }),
    );
    expect(first.executionArn).toBe('arn:aws:states:eu-west-1:000000000000:execution:sm:alert-1');
    expect(first.startDate?.getTime()).toBe(1_700_000_000_000);
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'alert-1', input: '{"a":2}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('answers the SDK Publish like SNS, passing message attributes on', async () => {
    const sns = new SNSClient({ endpoint: endpoints.url, region: 'eu-west-1', credentials, maxAttempts: 1 });
    const result = await sns.send(
      new PublishCommand({
        TopicArn: 'arn:aws:sns:eu-west-1:000000000000:alerts',
        Message: '{"hello":"<world>"}',
        Subject: 'Alert approved',
        MessageAttributes: { severity: { DataType: 'String', StringValue: 'HIGH' } },
      }),
    );
    expect(result.MessageId).toBe(`m-${published.length}`);
    expect(published.at(-1)).toEqual({
      topicArn: 'arn:aws:sns:eu-west-1:000000000000:alerts',
      message: '{"hello":"<world>"}',
      subject: 'Alert approved',
      messageAttributes: { severity: 'HIGH' },
    });
  });
});
