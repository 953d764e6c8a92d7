import { describe, expect, it } from 'vitest';
import { rateMs, schedulesOf, startSchedules } from '../../../src/local/schedules';
import type { ServiceDefinition } from '../../../src/local/service-definition';

const definition = (events: Record<string, unknown>[]): ServiceDefinition => ({
  service: 'ai-ops',
  stage: 'test',
  provider: {},
  functions: { sweepAlerts: { handler: 'handlers/sweep-alerts.handler', events } },
  resources: { Resources: {} },
});

describe('local schedules', () => {
  it('reads rate() schedules in both serverless.yml forms', () => {
    expect(rateMs('rate(1 minute)')).toBe(60_000);
    expect(rateMs('rate(5 minutes)')).toBe(300_000);
    expect(rateMs('cron(0 12 * * ? *)')).toBeUndefined();
    expect(
      schedulesOf(definition([{ schedule: { rate: 'rate(1 minute)' } }, { schedule: 'rate(2 hours)' }])),
    ).toEqual([
      { functionName: 'sweepAlerts', everyMs: 60_000, expression: 'rate(1 minute)' },
      { functionName: 'sweepAlerts', everyMs: 7_200_000, expression: 'rate(2 hours)' },
    ]);
    expect(() => schedulesOf(definition([{ schedule: 'cron(0 12 * * ? *)' }]))).toThrow(/sweepAlerts/);
  });

  it('invokes the function with a Scheduled Event each period until stopped, reporting failures', async () => {
    const calls: unknown[] = [];
    const errors: string[] = [];
    const stop = startSchedules(
      [{ functionName: 'sweepAlerts', everyMs: 5, expression: 'test' }],
      async (name, event) => {
        calls.push(event);
        if (calls.length === 2) throw new Error(`${name} failed`);
      },
      (name, error) => errors.push(`${name}: ${(error as Error).message}`),
    );
    const deadline = Date.now() + 5_000;
    while (calls.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await stop();
    const count = calls.length;
    expect(count).toBeGreaterThanOrEqual(3);
    expect(calls[0]).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.events' });
    expect(errors).toEqual(['sweepAlerts: sweepAlerts failed']);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.length).toBe(count);
  });
});
