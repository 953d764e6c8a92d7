import { SFNClient, type SFNClientConfig, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { executionNameFor } from '../../domain/ids';
import type { RemediationWorkflow } from '../../domain/ports';
import type { Alert } from '../../domain/types';
import { withoutSdkCallLog } from '../sdk-call-log';
import { workflowInputFor } from './workflow-input';

/**
 * The ARN of the execution `name` of a state machine:
 * arn:<partition>:states:<region>:<account>:stateMachine:<machine> -> ...:execution:<machine>:<name>.
 */
export const executionArnFor = (stateMachineArn: string, name: string): string => {
  const parts = stateMachineArn.split(':');
  if (parts.length !== 7 || parts[2] !== 'states' || parts[5] !== 'stateMachine') {
    throw new Error(`not a state machine ARN: ${stateMachineArn}`);
  }
  return [...parts.slice(0, 5), 'execution', parts[6], name].join(':');
};

// Compared by name: an error class from another copy of the SDK would fail an instanceof check.
const isExecutionAlreadyExists = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ExecutionAlreadyExists';

/** One Step Functions execution per alert, named after it. */
export class SfnRemediationWorkflow implements RemediationWorkflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(alert: Alert): Promise<{ executionArn: string; alreadyStarted: boolean }> {
    const name = executionNameFor(alert.alertId);
    try {
      const output = await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: workflowInputFor(alert),
        }),
      );
      return {
        executionArn: output.executionArn ?? executionArnFor(this.stateMachineArn, name),
        alreadyStarted: false,
      };
    } catch (error) {
      // Same name, finished execution (or another input): the alert's workflow did start, earlier.
      if (isExecutionAlreadyExists(error)) {
        return { executionArn: executionArnFor(this.stateMachineArn, name), alreadyStarted: true };
      }
      throw error;
    }
  }
}

/** A client for the configured region, pointed at a local endpoint when one is set. */
export const sfnClient = (options: {
  region: string;
  endpoint?: string;
  retryStrategy?: SFNClientConfig['retryStrategy'];
}): SFNClient =>
  withoutSdkCallLog(
    new SFNClient({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.retryStrategy ? { retryStrategy: options.retryStrategy } : {}),
    }),
  );
