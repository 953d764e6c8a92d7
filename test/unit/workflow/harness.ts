import type { UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { PublishCommandInput } from '@aws-sdk/client-sns';
import {
  createLocalWorkflow,
  type ExecutionStatusChangeEvent,
  type LocalWorkflowOptions,
} from '../../../src/local/workflow-runner';

export const substitutions = {
  PlanRemediationFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:ai-ops-test-planRemediation',
  AlertsTableName: 'ai-ops-alerts-test',
  AlertsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ai-ops-alerts-test',
};

export const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:ai-ops-remediation-test';
export const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);

/** The local workflow with recording fakes for the DynamoDB and SNS integrations. */
export const harness = (overrides: Partial<LocalWorkflowOptions> = {}) => {
  const updates: UpdateItemCommandInput[] = [];
  const published: PublishCommandInput[] = [];
  const events: ExecutionStatusChangeEvent[] = [];
  const workflow = createLocalWorkflow({
    substitutions,
    stateMachineArn: STATE_MACHINE_ARN,
    clock: () => NOW,
    retryIntervalMs: 0,
    updateAlert: async (params) => {
      updates.push(params);
      return {};
    },
    publish: async (params) => {
      published.push(params);
      return { MessageId: `message-${published.length}` };
    },
    onStatusChange: (event) => {
      events.push(event);
    },
    ...overrides,
  });
  return { workflow, updates, published, events };
};

/** An error as an AWS SDK client throws it: the exception name is the error's name. */
export const awsError = (name: string, message = name): Error => {
  const error = new Error(message);
  error.name = name;
  return error;
};
