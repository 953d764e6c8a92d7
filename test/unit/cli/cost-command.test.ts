import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { program } from '../../../src/cli/program';
import { runProgram } from '../../support/cli';

const run = (...args: string[]) => runProgram(program(), ['cost', ...args]);

/** The commander error a bad flag ends in (main.ts turns it into exit code 2). */
const refusal = async (...args: string[]): Promise<CommanderError> => {
  const error = await run(...args).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CommanderError);
  return error as CommanderError;
};

describe('ai-ops cost', () => {
  it('prints the month by service and line item, and the same lines as JSON with a total', async () => {
    const text = await run('--stations', '1000', '--interval', '5s');
    expect(text.exitCode).toBe(0);
    for (const service of [
      'DynamoDB',
      'Lambda',
      'Step Functions',
      'SNS',
      'EventBridge',
      'API Gateway',
      'CloudWatch',
    ])
      expect(text.stdout).toContain(service);
    expect(text.stdout).toMatch(/free tier NOT subtracted/);

    const json = await run('--stations', '1000', '--interval', '5s', '--json');
    const report = JSON.parse(json.stdout) as {
      total: number;
      lines: { service: string; item: string; usd: number }[];
      freeTierSubtracted: boolean;
      metricsPerMonth: number;
    };
    expect(report.freeTierSubtracted).toBe(false);
    // 1,000 stations every 5 s over 730 hours.
    expect(report.metricsPerMonth).toBe(525_600_000);
    expect(report.total).toBeCloseTo(
      report.lines.reduce((sum, l) => sum + l.usd, 0),
      6,
    );
    expect(report.lines.length).toBe(text.stdout.trim().split('\n').length - 2);
  });

  it('prices more stations higher, and another region differently', async () => {
    const total = async (...args: string[]) =>
      (JSON.parse((await run('--interval', '5s', '--json', ...args)).stdout) as { total: number }).total;
    const small = await total('--stations', '100');
    const large = await total('--stations', '10000');
    expect(large).toBeGreaterThan(small);
    expect(await total('--stations', '10000', '--region', 'us-east-1')).not.toBe(large);
  });

  it.each([
    [['--stations', '0', '--interval', '5s'], '--stations'],
    [['--stations', '-5', '--interval', '5s'], '--stations'],
    [['--stations', 'many', '--interval', '5s'], '--stations'],
    [['--stations', '10', '--interval', 'soon'], '--interval'],
    [['--stations', '10', '--interval', '5s', '--region', 'mars-1'], '--region'],
  ])('refuses %j naming %s', async (args, flag) => {
    const error = await refusal(...args);
    expect(error.exitCode).not.toBe(0);
    expect(error.message).toContain(flag);
  });

  it('exits with code 2 from the command line', async () => {
    const bin = join(process.cwd(), 'bin', 'ai-ops.js');
    const failed = await promisify(execFile)(process.execPath, [
      bin,
      'cost',
      '--stations',
      '0',
      '--interval',
      '5s',
    ]).then(
      () => undefined,
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain('--stations');
  });
});
