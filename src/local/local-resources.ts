import { LOCAL_REGION } from './dynamodb-local';
import type { CfnResource, ServiceDefinition } from './service-definition';

/** The account id the local runtime puts in ARNs (DynamoDB Local uses the same). */
export const LOCAL_ACCOUNT = '000000000000';

const arn = (service: string, resource: string): string =>
  `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${resource}`;

const functionNameOf = (definition: ServiceDefinition, logicalId: string): string | undefined => {
  const key = Object.keys(definition.functions).find(
    (name) => `${name.charAt(0).toUpperCase()}${name.slice(1)}LambdaFunction` === logicalId,
  );
  return key ? `${definition.service}-${definition.stage}-${key}` : undefined;
};

const physicalName = (resource: CfnResource, logicalId: string): string => {
  const p = resource.Properties ?? {};
  const name = p.TableName ?? p.TopicName ?? p.QueueName ?? p.StateMachineName ?? p.Name;
  return typeof name === 'string' ? name : logicalId;
};

/**
 * What a CloudFormation Ref / Fn::GetAtt / Fn::Sub of the stack would be locally. Only the resources
 * the functions' environment and event settings refer to need answers; anything else is an error that
 * names it, so a new reference in serverless.yml cannot silently become a wrong local value.
 */
export const resolveLocal = (definition: ServiceDefinition, value: unknown): string => {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (typeof value !== 'object' || value === null)
    throw new Error(`cannot resolve ${JSON.stringify(value)} locally`);
  const resources = definition.resources.Resources;
  const ref = (value as { Ref?: unknown }).Ref;
  if (typeof ref === 'string') return refOf(resources, ref);
  const getAtt = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return attributeOf(definition, resources, String(getAtt[0]), String(getAtt[1]));
  const sub = (value as { 'Fn::Sub'?: unknown })['Fn::Sub'];
  if (typeof sub === 'string') {
    return sub.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
      if (name === 'AWS::Region') return LOCAL_REGION;
      if (name === 'AWS::AccountId') return LOCAL_ACCOUNT;
      if (name === 'AWS::Partition') return 'aws';
      const [logicalId, attribute] = name.split('.');
      return attribute
        ? attributeOf(definition, resources, logicalId ?? '', attribute)
        : refOf(resources, logicalId ?? '');
    });
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)} locally`);
};

const refOf = (resources: Record<string, CfnResource>, logicalId: string): string => {
  const resource = resources[logicalId];
  if (!resource) throw new Error(`Ref to unknown resource ${logicalId}`);
  const name = physicalName(resource, logicalId);
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table':
      return name;
    case 'AWS::SNS::Topic':
      return arn('sns', name);
    case 'AWS::SQS::Queue':
      return `http://localhost/queue/${name}`;
    case 'AWS::StepFunctions::StateMachine':
      return arn('states', `stateMachine:${name}`);
    default:
      throw new Error(`no local value for Ref ${logicalId} (${resource.Type})`);
  }
};

const attributeOf = (
  definition: ServiceDefinition,
  resources: Record<string, CfnResource>,
  logicalId: string,
  attribute: string,
): string => {
  const fn = functionNameOf(definition, logicalId);
  if (fn && attribute === 'Arn') return arn('lambda', `function:${fn}`);
  const resource = resources[logicalId];
  if (!resource) throw new Error(`Fn::GetAtt of unknown resource ${logicalId}`);
  const name = physicalName(resource, logicalId);
  const key = `${resource.Type}.${attribute}`;
  switch (key) {
    case 'AWS::DynamoDB::Table.Arn':
      return arn('dynamodb', `table/${name}`);
    case 'AWS::SQS::Queue.Arn':
      return arn('sqs', name);
    case 'AWS::SQS::Queue.QueueName':
      return name;
    case 'AWS::SNS::Topic.TopicArn':
      return arn('sns', name);
    case 'AWS::StepFunctions::StateMachine.Arn':
      return arn('states', `stateMachine:${name}`);
    case 'AWS::StepFunctions::StateMachine.Name':
      return name;
    default:
      throw new Error(`no local value for Fn::GetAtt ${logicalId}.${attribute} (${resource.Type})`);
  }
};

/** The environment a function gets: the provider's, then its own, every Ref resolved locally. */
export const functionEnvironment = (
  definition: ServiceDefinition,
  functionName: string,
): Record<string, string> => {
  const fn = definition.functions[functionName];
  if (!fn) throw new Error(`no function ${functionName} in the service definition`);
  const merged = { ...(definition.provider.environment ?? {}), ...(fn.environment ?? {}) };
  return Object.fromEntries(
    Object.entries(merged).map(([key, value]) => [key, resolveLocal(definition, value)]),
  );
};
