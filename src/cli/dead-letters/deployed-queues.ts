import type { ServiceDefinition } from '../../local/service-definition';
import { eventSourceMappingsOf, type StreamMappingSettings } from '../../local/stream-poller';

/** A stream consumer's on-failure queue in a deployed stage, and the mapping settings a redrive honours. */
export interface DeployedDeadLetterQueue {
  /** The function as serverless.yml names it (evaluateMetrics). */
  functionName: string;
  /** The queue's physical name, as the framework resolved it for the stage. */
  queueName: string;
  settings: StreamMappingSettings;
}

/**
 * The SQS on-failure destinations of the stage's stream consumers, read from the service definition
 * (serverless.yml + infra/), so the queues are named in one place: the mapping's `destinations.onFailure`
 * names a queue resource, whose QueueName carries the stage.
 */
export const deployedDeadLetterQueues = (definition: ServiceDefinition): DeployedDeadLetterQueue[] =>
  eventSourceMappingsOf(definition).flatMap((mapping) => {
    const logicalId = mapping.settings.onFailureArn;
    const resource = logicalId === undefined ? undefined : definition.resources.Resources[logicalId];
    const queueName = resource?.Type === 'AWS::SQS::Queue' ? resource.Properties?.QueueName : undefined;
    if (typeof queueName !== 'string') return [];
    return [{ functionName: mapping.functionName, queueName, settings: mapping.settings }];
  });
