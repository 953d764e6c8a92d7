import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileJournal } from '../../../src/local/execution-journal';
import { lambdaContext } from '../../../src/local/lambda-context';
import { ExecutionAlreadyExistsError } from '../../../src/local/workflow-runner';
import { approvedAlert } from './fixtures';
import { harness, substitutions } from './harness';

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ai-ops-sfn-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** planRemediation's real handler, counted; `gate` holds every call until it resolves. */
const countedPlanner = (gate: Promise<void> = Promise.resolve()) => {
  const calls = { count: 0 };
  const fn = async (payload: unknown) => {
    calls.count++;
    await gate;
    const { handler } = await import('../../../handlers/plan-remediation');
    return handler(payload as Parameters<typeof handler>[0], lambdaContext('planRemediation'));
  };
  return { calls, lambdaFunctions: { [substitutions.PlanRemediationFunctionArn]: fn } };
};

describe('the local Step Functions keeps its executions under --data', () => {
  it('a name that ran before a restart cannot start a second execution after it', async () => {
    const dir = dataDir();
    const alert = approvedAlert('LOW_INVENTORY');
    const before = harness({ journal: fileJournal(dir), ...countedPlanner() });
    const first = before.workflow.start('alert-a1', alert);
    expect(await first.done).toMatchObject({ status: 'SUCCEEDED' });

    // A new process on the same folder.
    const planner = countedPlanner();
    const after = harness({ journal: fileJournal(dir), ...planner });
    const again = after.workflow.start('alert-a1', alert);

    expect(again).toMatchObject({ alreadyStarted: true, executionArn: first.executionArn });
    expect(await again.done).toMatchObject({ status: 'SUCCEEDED' });
    expect(() => after.workflow.start('alert-a1', { ...alert, severity: 'LOW' })).toThrow(
      ExecutionAlreadyExistsError,
    );
    expect(after.workflow.resumeInterrupted()).toEqual([]);
    expect([planner.calls.count, after.published.length, after.events.length]).toEqual([0, 0, 0]);
    expect(after.workflow.describe(first.executionArn)).toMatchObject({
      status: 'SUCCEEDED',
      name: 'alert-a1',
    });
  });

  it('an execution a killed runtime left RUNNING runs once more under its name, and only once', async () => {
    const dir = dataDir();
    const alert = approvedAlert('CHARGER_DOWN');
    // The first process never gets past the plan task: it is "killed" there.
    const killed = harness({ journal: fileJournal(dir), ...countedPlanner(new Promise(() => {})) });
    const lost = killed.workflow.start('alert-c1', alert);

    const planner = countedPlanner();
    const restarted = harness({ journal: fileJournal(dir), ...planner });
    // The dispatcher's uncheckpointed approval comes again before the runtime resumes the execution.
    expect(restarted.workflow.start('alert-c1', alert)).toMatchObject({
      alreadyStarted: true,
      executionArn: lost.executionArn,
    });
    const [resumed, ...others] = restarted.workflow.resumeInterrupted();

    expect(others).toEqual([]);
    expect(await resumed?.done).toMatchObject({ status: 'SUCCEEDED', startDate: lost.startDate });
    expect(restarted.workflow.resumeInterrupted()).toEqual([]);
    expect(restarted.workflow.start('alert-c1', alert).alreadyStarted).toBe(true);
    expect([planner.calls.count, restarted.published.length, restarted.events.length]).toEqual([1, 1, 1]);

    // And a third process sees it closed.
    const third = harness({ journal: fileJournal(dir) });
    expect(third.workflow.resumeInterrupted()).toEqual([]);
    expect(third.workflow.describe(lost.executionArn)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('without a journal (no --data) a new process forgets its executions, as it forgets its tables', async () => {
    const alert = approvedAlert('HIGH_DEMAND');
    await harness().workflow.start('alert-h1', alert).done;
    const fresh = harness().workflow.start('alert-h1', alert);
    expect(fresh.alreadyStarted).toBe(false);
    await fresh.done;
  });
});
