import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../src/cli/api-client';
import {
  flowMetricsStep,
  runVerify,
  type VerifyContext,
  type VerifyStep,
} from '../../../src/cli/commands/verify';

const context = (ms = 5_000): VerifyContext => ({
  client: {} as ApiClient,
  stationId: 'VERIFY-TEST',
  deadline: Date.now() + ms,
});

describe('verify steps', () => {
  it('runs the steps in order, each seeing what the earlier ones found; after a failure the rest are skipped', async () => {
    const seen: string[] = [];
    const steps: VerifyStep[] = [
      {
        name: 'a',
        run: async (c) => {
          c.alertId = 'A-1';
          return 'found A-1';
        },
      },
      {
        name: 'b',
        run: async (c) => {
          seen.push(c.alertId ?? '');
          return 'ok';
        },
      },
      {
        name: 'c',
        run: async () => {
          throw new Error('broken');
        },
      },
      { name: 'd', run: async () => 'never' },
    ];
    const results = await runVerify(context(), steps);
    expect(seen).toEqual(['A-1']);
    expect(results.map((r) => [r.step, r.result, r.detail])).toEqual([
      ['a', 'pass', 'found A-1'],
      ['b', 'pass', 'ok'],
      ['c', 'fail', 'broken'],
      ['d', 'skipped', 'an earlier step failed'],
    ]);
  });

  it('the flow-metrics step waits for RecordsProcessed, then reports WindowStateUnissued', async () => {
    const cloudWatch = mockClient(CloudWatchClient);
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: 'processed', Values: [] }] })
      .resolves({
        MetricDataResults: [
          { Id: 'processed', Values: [1, 1] },
          { Id: 'unissued', Values: [0] },
        ],
      });
    const step = flowMetricsStep(new CloudWatchClient({ region: 'eu-west-1' }), 'ai-ops', Date.now());
    await expect(step.run(context())).resolves.toBe('RecordsProcessed 2, WindowStateUnissued 0');
    const input = cloudWatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(input?.MetricDataQueries?.map((q) => q.MetricStat?.Metric?.MetricName)).toEqual([
      'RecordsProcessed',
      'WindowStateUnissued',
    ]);
    expect(cloudWatch.commandCalls(GetMetricDataCommand)).toHaveLength(2);
  });

  it('the flow-metrics step fails at the deadline when the evaluator recorded nothing', async () => {
    const cloudWatch = mockClient(CloudWatchClient);
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const step = flowMetricsStep(new CloudWatchClient({ region: 'eu-west-1' }), 'ai-ops', Date.now());
    await expect(step.run(context(300))).rejects.toThrow(/timed out waiting for RecordsProcessed/);
  });
});
