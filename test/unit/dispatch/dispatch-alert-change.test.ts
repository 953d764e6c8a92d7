import { describe, expect, it } from 'vitest';
import { auditTaskIdFor } from '../../../src/domain/ids';
import { MalformedAlertImageError } from '../../../src/use-cases/alert-image';
import {
  type AlertChange,
  dispatchAlertChange,
  MissingOldImageError,
} from '../../../src/use-cases/dispatch-alert-change';
import { approvedAlert, fakes, image, pendingAlert, rejectedAlert } from './fakes';

const pending = pendingAlert();
const alertId = pending.alertId;

const insert: AlertChange = { eventName: 'INSERT', newImage: image(pending), sequenceNumber: '100' };
const approve: AlertChange = {
  eventName: 'MODIFY',
  oldImage: image(pending),
  newImage: image(approvedAlert()),
  sequenceNumber: '200',
};
const reject: AlertChange = {
  eventName: 'MODIFY',
  oldImage: image(pending),
  newImage: image(rejectedAlert()),
  sequenceNumber: '201',
};

const actionsOf = (rows: { actionType: string; status: string }[]) =>
  rows.map((r) => `${r.actionType}:${r.status}`);

describe('dispatchAlertChange', () => {
  it('audits a created alert as the system, with its summary and a deterministic taskId', async () => {
    const f = fakes();
    const outcome = await dispatchAlertChange(insert, f.deps);

    expect(outcome).toEqual({
      kind: 'dispatched',
      alertId,
      transition: 'created',
      actions: ['ALERT_CREATED'],
      recorded: ['ALERT_CREATED'],
    });
    expect(f.audit.all()).toEqual([
      expect.objectContaining({
        taskId: auditTaskIdFor(alertId, 'ALERT_CREATED'),
        alertId,
        actionType: 'ALERT_CREATED',
        userId: 'system',
        status: 'SUCCESS',
        details: { alertType: 'LOW_INVENTORY', severity: 'HIGH', stationId: 'ST-001', title: pending.title },
        timestamp: expect.any(Number),
        ttl: expect.any(Number),
      }),
    ]);
    expect(f.workflow.calls).toBe(0);
    expect(f.notifier.attempts).toBe(0);
  });

  it('audits a rejection under the rejecting operator, with the reason', async () => {
    const f = fakes();
    const outcome = await dispatchAlertChange(reject, f.deps);

    expect(outcome).toMatchObject({
      kind: 'dispatched',
      transition: 'rejected',
      actions: ['ALERT_REJECTED'],
    });
    expect(f.audit.all()).toEqual([
      expect.objectContaining({
        taskId: auditTaskIdFor(alertId, 'ALERT_REJECTED'),
        actionType: 'ALERT_REJECTED',
        userId: 'operator-9',
        status: 'SUCCESS',
        details: { rejectionReason: 'sensor glitch', rejectedBy: 'operator-9' },
      }),
    ]);
    expect(f.workflow.calls).toBe(0);
    expect(f.notifier.attempts).toBe(0);
  });

  it('on approval audits it, starts the workflow, stores its ARN and publishes once', async () => {
    const f = fakes();
    const outcome = await dispatchAlertChange(approve, f.deps);

    const steps = ['ALERT_APPROVED', 'STEP_FUNCTION_STARTED', 'SNS_NOTIFICATION_SENT'];
    expect(outcome).toEqual({
      kind: 'dispatched',
      alertId,
      transition: 'approved',
      actions: steps,
      recorded: steps,
    });
    const executionArn = `arn:aws:states:eu-west-1:123456789012:execution:remediation:alert-${alertId}`;
    expect(f.audit.all()).toEqual([
      expect.objectContaining({
        taskId: auditTaskIdFor(alertId, 'ALERT_APPROVED'),
        actionType: 'ALERT_APPROVED',
        userId: 'operator-7',
        details: { approvedBy: 'operator-7' },
        status: 'SUCCESS',
      }),
      expect.objectContaining({
        taskId: auditTaskIdFor(alertId, 'STEP_FUNCTION_STARTED'),
        actionType: 'STEP_FUNCTION_STARTED',
        userId: 'system',
        details: { executionArn, alreadyStarted: false },
        status: 'SUCCESS',
      }),
      expect.objectContaining({
        taskId: auditTaskIdFor(alertId, 'SNS_NOTIFICATION_SENT'),
        actionType: 'SNS_NOTIFICATION_SENT',
        details: { messageId: 'msg-1', topicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts' },
        status: 'SUCCESS',
      }),
    ]);
    expect(f.alerts.executionArns.get(alertId)).toBe(executionArn);
    expect(f.workflow.started.get(alertId)).toMatchObject({ alertId, status: 'APPROVED' });
    expect(f.notifier.published.map((a) => a.alertId)).toEqual([alertId]);
    expect([...f.onceResults.keys()]).toEqual([`publish:${alertId}`]);
  });

  it('hands the workflow and the notifier the alert without store-only attributes', async () => {
    const f = fakes();
    await dispatchAlertChange(
      { ...approve, newImage: { ...image(approvedAlert()), recordType: 'ALERT' } },
      f.deps,
    );
    expect(f.workflow.started.get(alertId)).toEqual(approvedAlert());
    expect(f.notifier.published[0]).toEqual(approvedAlert());
  });

  it.each([['a merged trigger', { occurrences: 2, lastSeenAt: 1_700_000_050_000 }]])(
    'does nothing for %s on a pending alert',
    async (_name, change) => {
      const f = fakes();
      const outcome = await dispatchAlertChange(
        {
          eventName: 'MODIFY',
          oldImage: image(pending),
          newImage: image(pendingAlert(change)),
          sequenceNumber: '300',
        },
        f.deps,
      );
      expect(outcome).toEqual({ kind: 'skipped', reason: 'no-transition', alertId });
      expect(f.audit.all()).toEqual([]);
    },
  );

  it('audits a severity raise once per severity reached, with from, to and the triggering reading', async () => {
    const f = fakes();
    const raised = pendingAlert({ severity: 'CRITICAL', lastSeenAt: 1_700_000_060_000, occurrences: 2 });
    const change = {
      eventName: 'MODIFY' as const,
      oldImage: image(pendingAlert({ lastSeenAt: 1_700_000_060_000, occurrences: 2 })),
      newImage: image(raised),
      sequenceNumber: '310',
    };
    const outcome = await dispatchAlertChange(change, f.deps);
    expect(outcome).toMatchObject({ transition: 'severity-raised', recorded: ['ALERT_SEVERITY_RAISED'] });
    await dispatchAlertChange({ ...change, sequenceNumber: '311' }, f.deps);
    expect(f.audit.all()).toHaveLength(1);
    expect(f.audit.all()[0]).toMatchObject({
      actionType: 'ALERT_SEVERITY_RAISED',
      userId: 'system',
      details: {
        from: 'HIGH',
        to: 'CRITICAL',
        triggeringReading: { stationId: raised.stationId, timestamp: 1_700_000_060_000 },
      },
    });
  });

  it('audits a resolve once, by whoever ended the incident', async () => {
    const f = fakes();
    const change = {
      eventName: 'MODIFY' as const,
      oldImage: image(pending),
      newImage: image({
        ...pending,
        status: 'RESOLVED',
        resolvedAt: 1_700_000_300_000,
        resolvedBy: 'system',
      }),
      sequenceNumber: '320',
    };
    expect(await dispatchAlertChange(change, f.deps)).toMatchObject({
      transition: 'resolved',
      recorded: ['ALERT_RESOLVED'],
    });
    expect(await dispatchAlertChange(change, f.deps)).toMatchObject({ recorded: [] });
    expect(f.audit.all()).toEqual([
      expect.objectContaining({
        actionType: 'ALERT_RESOLVED',
        userId: 'system',
        details: { resolvedAt: 1_700_000_300_000, resolvedBy: 'system', status: 'RESOLVED' },
      }),
    ]);
  });

  it('escalates each level once: one audit row and one message per level, retries and replays included', async () => {
    const f = fakes();
    const at = (level: number) => pendingAlert({ escalationLevel: level, deadlineAt: 1_700_000_900_000 });
    const changes = [1, 2, 3].map((level) => ({
      eventName: 'MODIFY' as const,
      oldImage: image(level === 1 ? pending : at(level - 1)),
      newImage: image(at(level)),
      sequenceNumber: `33${level}`,
    }));
    f.escalations.failNext = 1;
    await expect(dispatchAlertChange(changes[0] as AlertChange, f.deps)).rejects.toThrow(
      'SNS publish failed',
    );
    for (const change of [...changes, ...changes]) await dispatchAlertChange(change, f.deps);
    expect(f.escalations.published).toEqual([1, 2, 3].map((level) => ({ alertId, level })));
    const escalations = f.audit.all().filter((e) => e.actionType === 'ALERT_ESCALATED');
    expect(escalations.filter((e) => e.status === 'SUCCESS').map((e) => e.details.level)).toEqual([1, 2, 3]);
    expect(escalations.filter((e) => e.status === 'FAILED')).toHaveLength(1);
  });

  it('does nothing when the execution ARN or the remediation outcome is written back', async () => {
    const f = fakes();
    const withArn = approvedAlert({
      stepFunctionExecutionArn: 'arn:aws:states:eu-west-1:1:execution:m:alert-x',
    });
    const remediated = approvedAlert({ ...withArn, remediation: { status: 'SUCCEEDED', plan: { move: 3 } } });
    for (const [oldAlert, newAlert] of [
      [approvedAlert(), withArn],
      [withArn, remediated],
    ] as const) {
      const outcome = await dispatchAlertChange(
        { eventName: 'MODIFY', oldImage: image(oldAlert), newImage: image(newAlert), sequenceNumber: '400' },
        f.deps,
      );
      expect(outcome).toMatchObject({ kind: 'skipped', reason: 'no-transition' });
    }
    expect(f.audit.all()).toEqual([]);
    expect(f.workflow.calls).toBe(0);
  });

  it('skips guard items and removals', async () => {
    const f = fakes();
    const guard = {
      alertId: 'OPEN#ST-001#LOW_INVENTORY',
      recordType: 'OPEN_ALERT_GUARD',
      openAlertId: alertId,
      stationId: 'ST-001',
      alertType: 'LOW_INVENTORY',
    };
    expect(
      await dispatchAlertChange({ eventName: 'INSERT', newImage: guard, sequenceNumber: '1' }, f.deps),
    ).toEqual({
      kind: 'skipped',
      reason: 'not-an-alert',
    });
    expect(
      await dispatchAlertChange(
        {
          eventName: 'MODIFY',
          oldImage: guard,
          newImage: { ...guard, openAlertId: 'other' },
          sequenceNumber: '2',
        },
        f.deps,
      ),
    ).toMatchObject({ kind: 'skipped', reason: 'not-an-alert' });
    // A guard recognised by its key alone (no recordType).
    expect(
      await dispatchAlertChange(
        { eventName: 'INSERT', newImage: { alertId: 'OPEN#ST-2#CHARGER_DOWN' }, sequenceNumber: '3' },
        f.deps,
      ),
    ).toMatchObject({ kind: 'skipped', reason: 'not-an-alert' });
    expect(
      await dispatchAlertChange(
        { eventName: 'REMOVE', oldImage: image(pending), sequenceNumber: '4' },
        f.deps,
      ),
    ).toEqual({ kind: 'skipped', reason: 'removed' });
    expect(f.audit.all()).toEqual([]);
  });

  it('adds nothing when the whole stream is replayed', async () => {
    const f = fakes();
    const stream = [
      insert,
      approve,
      { ...insert, newImage: image(pendingAlert({ alertId: 'b' })), sequenceNumber: '101' },
    ];
    for (const change of stream) await dispatchAlertChange(change, f.deps);
    const first = f.audit.all();

    const replays = [];
    for (const change of stream) replays.push(await dispatchAlertChange(change, f.deps));

    expect(f.audit.all()).toEqual(first);
    expect(first).toHaveLength(5);
    expect(replays.map((o) => (o.kind === 'dispatched' ? o.recorded : o))).toEqual([[], [], []]);
    expect(f.notifier.attempts).toBe(1);
  });

  it('records a failed publish, rethrows, and publishes exactly once when retried', async () => {
    const f = fakes();
    f.notifier.failNext = 1;

    await expect(dispatchAlertChange(approve, f.deps)).rejects.toThrow('SNS publish failed');
    const failed = f.audit.all().filter((row) => row.status === 'FAILED');
    expect(failed).toEqual([
      expect.objectContaining({
        alertId,
        actionType: 'SNS_NOTIFICATION_SENT',
        status: 'FAILED',
        errorMessage: 'SNS publish failed',
        details: { sequenceNumber: '200' },
      }),
    ]);
    expect(failed[0]?.taskId).not.toBe(auditTaskIdFor(alertId, 'SNS_NOTIFICATION_SENT'));

    const retry = await dispatchAlertChange(approve, f.deps);
    expect(retry).toMatchObject({
      kind: 'dispatched',
      actions: ['ALERT_APPROVED', 'STEP_FUNCTION_STARTED', 'SNS_NOTIFICATION_SENT'],
      recorded: ['SNS_NOTIFICATION_SENT'],
    });
    expect(actionsOf(f.audit.of(alertId))).toEqual([
      'ALERT_APPROVED:SUCCESS',
      'STEP_FUNCTION_STARTED:SUCCESS',
      'SNS_NOTIFICATION_SENT:FAILED',
      'SNS_NOTIFICATION_SENT:SUCCESS',
    ]);
    expect(f.notifier.published).toHaveLength(1);
    expect(f.notifier.attempts).toBe(2);

    await dispatchAlertChange(approve, f.deps);
    expect(f.notifier.attempts).toBe(2);
    expect(f.audit.of(alertId)).toHaveLength(4);
  });

  it('keeps one FAILED row per failed attempt', async () => {
    const f = fakes();
    f.workflow.failNext = 2;
    await expect(dispatchAlertChange(approve, f.deps)).rejects.toThrow('StartExecution throttled');
    await expect(dispatchAlertChange(approve, f.deps)).rejects.toThrow('StartExecution throttled');
    await dispatchAlertChange(approve, f.deps);

    expect(actionsOf(f.audit.of(alertId))).toEqual([
      'ALERT_APPROVED:SUCCESS',
      'STEP_FUNCTION_STARTED:FAILED',
      'STEP_FUNCTION_STARTED:FAILED',
      'STEP_FUNCTION_STARTED:SUCCESS',
      'SNS_NOTIFICATION_SENT:SUCCESS',
    ]);
    // The notification waits for the workflow: nothing was published by the failed attempts.
    expect(f.notifier.attempts).toBe(1);
  });

  it('treats a workflow that already started as started', async () => {
    const f = fakes();
    f.workflow.alwaysAlreadyStarted = true;
    const outcome = await dispatchAlertChange(approve, f.deps);

    expect(outcome).toMatchObject({
      kind: 'dispatched',
      recorded: expect.arrayContaining(['STEP_FUNCTION_STARTED']),
    });
    expect(f.audit.of(alertId).find((r) => r.actionType === 'STEP_FUNCTION_STARTED')).toMatchObject({
      status: 'SUCCESS',
      details: { alreadyStarted: true, executionArn: expect.stringContaining(`alert-${alertId}`) },
    });
    expect(f.alerts.executionArns.get(alertId)).toContain(`alert-${alertId}`);
    expect(f.notifier.published).toHaveLength(1);
  });

  it('still rethrows the step error when the audit store cannot record the failure', async () => {
    const f = fakes();
    f.notifier.failNext = 1;
    await dispatchAlertChange(insert, f.deps);
    // ALERT_APPROVED and STEP_FUNCTION_STARTED succeed; the publish fails and so does its FAILED row.
    const realAppend = f.audit.append.bind(f.audit);
    let appends = 0;
    f.audit.append = async (event) => {
      appends += 1;
      if (event.status === 'FAILED') throw new Error('audit down');
      return realAppend(event);
    };
    await expect(dispatchAlertChange(approve, f.deps)).rejects.toThrow('SNS publish failed');
    expect(appends).toBe(3);
  });

  it('rejects a MODIFY without its old image and an alert image of the wrong shape', async () => {
    const f = fakes();
    await expect(
      dispatchAlertChange(
        { eventName: 'MODIFY', newImage: image(approvedAlert()), sequenceNumber: '9' },
        f.deps,
      ),
    ).rejects.toBeInstanceOf(MissingOldImageError);
    const { severity: _dropped, ...withoutSeverity } = pending;
    await expect(
      dispatchAlertChange({ eventName: 'INSERT', newImage: withoutSeverity, sequenceNumber: '10' }, f.deps),
    ).rejects.toThrow(MalformedAlertImageError);
    expect(f.audit.all()).toEqual([]);
  });
});
