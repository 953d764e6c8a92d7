import { readFileSync } from 'node:fs';
import { parse, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';

// CloudFormation short-form tags, turned into their long form so the tests read the template as
// CloudFormation (and Serverless) will.
const INTRINSICS = [
  'Ref',
  'GetAtt',
  'Sub',
  'Join',
  'Select',
  'Split',
  'If',
  'Not',
  'Equals',
  'And',
  'Or',
  'Condition',
  'FindInMap',
  'Base64',
  'GetAZs',
  'ImportValue',
  'Cidr',
] as const;

const longName = (name: string): string => (name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`);

const scalarValue = (name: string, value: string): unknown =>
  name === 'GetAtt' ? { [longName(name)]: value.split('.', 2) } : { [longName(name)]: value };

const cfnTags: Tags = INTRINSICS.flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => scalarValue(name, value) },
  {
    tag: `!${name}`,
    collection: 'seq' as const,
    resolve: (value: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [longName(name)]: value.toJSON() }),
  },
  {
    tag: `!${name}`,
    collection: 'map' as const,
    resolve: (value: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [longName(name)]: value.toJSON() }),
  },
]);

export const loadCfnYaml = (path: string): unknown =>
  parse(readFileSync(path, 'utf8'), { customTags: cfnTags, prettyErrors: true });
