import { describe, expect, it } from 'vitest';
import { auditTaskIdFor } from '../../src/domain/ids';
import {
  MalformedWorkflowEventError,
  recordWorkflowOutcome,
} from '../../src/use-cases/record-workflow-outcome';
import { InMemoryAuditStore, steppingClock } from './dispatch/fakes';

const alertId = '8d7c6a51-0b1e-5f43-9a2d-4e5f6a7b8c9d';
const stateMachineArn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:ai-ops-remediation-dev';
const executionArn = `arn:aws:states:eu-west-1:123456789012:execution:ai-ops-remediation-dev:alert-${alertId}`;

const statusChange = (detail: Record<string, unknown>) => ({
  version: '0',
  id: 'e2f7c1d2-0000-4000-8000-000000000001',
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  account: '123456789012',
  time: '2024-01-01T00:00:05Z',
  region: 'eu-west-1',
  resources: [executionArn],
  detail: {
    executionArn,
    stateMachineArn,
    name: `alert-${alertId}`,
    status: 'SUCCEEDED',
    startDate: 1_704_067_200_000,
    stopDate: 1_704_067_205_000,
    input: JSON.stringify({ alertId, alertType: 'LOW_INVENTORY' }),
    inputDetails: { included: true },
    output: '{"outcome":{}}',
    outputDetails: { included: true },
    error: null,
    cause: null,
    ...detail,
  },
});

const deps = () => ({ audit: new InMemoryAuditStore(), clock: steppingClock() });

describe('recordWorkflowOutcome', () => {
  it('records a succeeded execution once, however often the event is delivered', async () => {
    const d = deps();
    const first = await recordWorkflowOutcome(statusChange({}), d);
    const again = await recordWorkflowOutcome(statusChange({}), d);

    expect(first).toEqual({
      alertId,
      status: 'SUCCEEDED',
      actionType: 'STEP_FUNCTION_SUCCEEDED',
      executionArn,
      recorded: true,
    });
    expect(again.recorded).toBe(false);
    expect(d.audit.all()).toEqual([
      {
        taskId: auditTaskIdFor(alertId, 'STEP_FUNCTION_SUCCEEDED'),
        alertId,
        actionType: 'STEP_FUNCTION_SUCCEEDED',
        timestamp: 1_704_067_205_000,
        userId: 'system',
        details: { status: 'SUCCEEDED', executionArn, error: null, cause: null },
        status: 'SUCCESS',
        ttl: expect.any(Number),
      },
    ]);
  });

  it('records a failed execution with its error and cause', async () => {
    const d = deps();
    await recordWorkflowOutcome(
      statusChange({ status: 'FAILED', error: 'States.TaskFailed', cause: 'planner crashed', output: null }),
      d,
    );
    expect(d.audit.all()).toEqual([
      expect.objectContaining({
        taskId: auditTaskIdFor(alertId, 'STEP_FUNCTION_FAILED'),
        actionType: 'STEP_FUNCTION_FAILED',
        status: 'FAILED',
        errorMessage: 'States.TaskFailed: planner crashed',
        details: { status: 'FAILED', executionArn, error: 'States.TaskFailed', cause: 'planner crashed' },
      }),
    ]);
  });

  it.each([
    ['TIMED_OUT', 'TIMED_OUT'],
    ['ABORTED', 'ABORTED'],
  ])('records a %s execution as failed, named by its status', async (status, errorMessage) => {
    const d = deps();
    const outcome = await recordWorkflowOutcome(
      statusChange({ status, error: undefined, cause: undefined }),
      d,
    );
    expect(outcome.actionType).toBe('STEP_FUNCTION_FAILED');
    expect(d.audit.all()[0]).toMatchObject({ status: 'FAILED', errorMessage });
  });

  it('finds the alert from the execution name when the input does not say', async () => {
    for (const input of [null, 'not json', '{"other":1}']) {
      const d = deps();
      await expect(recordWorkflowOutcome(statusChange({ input }), d)).resolves.toMatchObject({ alertId });
    }
  });

  it('stamps the row with the time it is recorded when the event has no stop date', async () => {
    const d = deps();
    await recordWorkflowOutcome(statusChange({ stopDate: null }), d);
    expect(d.audit.all()[0]?.timestamp).toBe(1_700_000_000_000);
  });

  it.each([
    ['not an object', 'hello'],
    [
      'another detail type',
      { ...statusChange({}), 'detail-type': 'Step Functions State Machine Status Change' },
    ],
    ['a running execution', statusChange({ status: 'RUNNING' })],
    ['no execution ARN', statusChange({ executionArn: undefined })],
    ['no alert to name', statusChange({ input: null, name: 'manual-run-1' })],
  ])('refuses %s with a clear error and records nothing', async (_name, event) => {
    const d = deps();
    await expect(recordWorkflowOutcome(event, d)).rejects.toBeInstanceOf(MalformedWorkflowEventError);
    expect(d.audit.all()).toEqual([]);
  });
});
