import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FUNCTION_SETTINGS } from '../../src/config';
import { packageStack, type Template } from '../support/packaged-template';

const REPO = resolve(import.meta.dirname, '../..');

interface Grant {
  action: string;
  on: string;
  reason?: string;
  platform?: string;
  via?: { file: string; command: string; caller: string };
}
type Table = Record<string, { role: string; grants: Grant[] }>;

/** Every role statement grants these to every function: its log group and X-Ray traces. */
const EVERY_FUNCTION = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
];

let table: Table;
let template: Template;
beforeAll(async () => {
  table = parse(await readFile(join(REPO, 'infra', 'function-permissions.yml'), 'utf8')) as Table;
  template = await packageStack('dev');
}, 300_000);

/** The logical resource a statement's Resource names: X (Ref/GetAtt X.Arn), X.StreamArn, X/index/Y. */
const resourceName = (resource: unknown): string => {
  const r = resource as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Sub'?: string };
  if (r.Ref) return r.Ref;
  if (r['Fn::GetAtt']) {
    const [id, attribute] = r['Fn::GetAtt'];
    return attribute === 'Arn' ? id : `${id}.${attribute}`;
  }
  const sub = r['Fn::Sub'];
  if (typeof sub === 'string') return sub.replace(/^\$\{(\w+)\.Arn\}/, '$1');
  return String(resource);
};

/** (action, resource) pairs a role grants, without the ones every function has. */
const granted = (role: string): string[] => {
  const policies = template.Resources[role]?.Properties?.Policies as {
    PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] };
  }[];
  return policies
    .flatMap((p) => p.PolicyDocument.Statement)
    .flatMap((s) => [s.Action].flat().map((action) => ({ action, resource: s.Resource })))
    .filter(({ action }) => !EVERY_FUNCTION.includes(action))
    .map(({ action, resource }) => `${action} ${resourceName(resource)}`)
    .sort();
};

/** The source files esbuild bundles for a handler, with their text. */
const reachable = async (fn: string): Promise<Map<string, string>> => {
  const properties = template.Resources[`${fn[0]?.toUpperCase()}${fn.slice(1)}LambdaFunction`]?.Properties;
  const handler = String(properties?.Handler ?? '');
  const entry = join(REPO, `${handler.replace(/\.handler$/, '')}.ts`);
  const { metafile } = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    absWorkingDir: REPO,
    logLevel: 'silent',
  });
  const files = new Map<string, string>();
  for (const path of Object.keys(metafile.inputs)) files.set(path, await readFile(join(REPO, path), 'utf8'));
  return files;
};

const FUNCTIONS = [
  'ingestMetrics',
  'evaluateMetrics',
  'queryAlerts',
  'decideAlert',
  'dispatchAlertChange',
  'planRemediation',
  'recordWorkflowOutcome',
  'sweepAlerts',
  'queryStationMetrics',
];

describe('each role against infra/function-permissions.yml and its handler code', () => {
  it('has a row per function, each with a reason', () => {
    expect(Object.keys(table).sort()).toEqual([...FUNCTIONS].sort());
    for (const { grants } of Object.values(table))
      for (const g of grants) expect(g.reason ?? g.platform, g.action).toMatch(/\w{3}/);
  });

  it.each(FUNCTIONS)('%s: the role grants exactly the table (logs and traces aside)', (fn) => {
    const entry = table[fn];
    expect(entry).toBeDefined();
    const rows = (entry?.grants ?? []).map((g) => `${g.action} ${g.on}`).sort();
    expect(granted(entry?.role ?? '')).toEqual(rows);
  });

  it.each(FUNCTIONS)('%s: every granted call is made by code its handler reaches', async (fn) => {
    const files = await reachable(fn);
    for (const grant of table[fn]?.grants ?? []) {
      if (!grant.via) continue;
      const { file, command, caller } = grant.via;
      const text = files.get(file);
      expect(text, `${grant.action}: ${file} is not reachable from ${fn}`).toBeDefined();
      const [name = '', item] = command.split('.');
      expect(text, `${grant.action}: ${command} in ${file}`).toMatch(new RegExp(`\\b${name}\\b`));
      if (item) expect(text, `${grant.action}: ${command} in ${file}`).toMatch(new RegExp(`\\b${item}:`));
      const callers = [...files].filter(
        ([path, t]) => path !== file && new RegExp(`\\b${caller}\\(`).test(t),
      );
      expect(
        callers.length,
        `${grant.action}: nothing reachable from ${fn} calls ${caller}()`,
      ).toBeGreaterThan(0);
    }
  });
});

describe('each function as packaged', () => {
  const required = (fn: keyof typeof FUNCTION_SETTINGS): string[] =>
    Object.entries(FUNCTION_SETTINGS[fn].shape)
      .filter(([, schema]) => !schema.safeParse(undefined).success)
      .map(([key]) => key);

  it.each(FUNCTIONS)('%s: its environment sets every setting its schema requires', (fn) => {
    const properties = template.Resources[`${fn[0]?.toUpperCase()}${fn.slice(1)}LambdaFunction`]?.Properties;
    const environment = (properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables;
    for (const key of required(fn as keyof typeof FUNCTION_SETTINGS))
      expect(environment?.[key], `${fn}: ${key}`).toBeDefined();
  });

  it.each(FUNCTIONS)('%s: its handler is at most 40 lines (wiring only)', async (fn) => {
    const properties = template.Resources[`${fn[0]?.toUpperCase()}${fn.slice(1)}LambdaFunction`]?.Properties;
    const file = `${String(properties?.Handler).replace(/\.handler$/, '')}.ts`;
    const lines = (await readFile(join(REPO, file), 'utf8')).trimEnd().split('\n');
    expect(lines.length, file).toBeLessThanOrEqual(40);
  });
});
