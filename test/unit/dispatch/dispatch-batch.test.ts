import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { createDispatchHandler } from '../../../src/streams/dispatch-batch';
import type { DispatchOutcome } from '../../../src/use-cases/dispatch-alert-change';
import { alertChanged, streamEvent } from '../../support/stream-records';
import { approvedAlert, fakes, image, pendingAlert } from './fakes';

const pending = pendingAlert();
const insert = alertChanged('INSERT', '100', { newImage: image(pending) });
const approve = alertChanged('MODIFY', '200', { oldImage: image(pending), newImage: image(approvedAlert()) });
const guard = alertChanged('INSERT', '150', {
  newImage: {
    alertId: 'OPEN#ST-001#LOW_INVENTORY',
    recordType: 'OPEN_ALERT_GUARD',
    openAlertId: pending.alertId,
  },
});

describe('createDispatchHandler', () => {
  it('dispatches every record in stream order and reports no failure', async () => {
    const f = fakes();
    const dispatched: [string, DispatchOutcome][] = [];
    const onCounts = vi.fn();
    const handler = createDispatchHandler(f.deps, {
      onDispatched: (outcome, sequenceNumber) => dispatched.push([sequenceNumber, outcome]),
      onCounts,
    });

    await expect(handler(streamEvent([insert, guard, approve]))).resolves.toEqual({ batchItemFailures: [] });

    expect(dispatched.map(([seq, o]) => `${seq}:${o.kind}`)).toEqual([
      '100:dispatched',
      '150:skipped',
      '200:dispatched',
    ]);
    expect(f.audit.all().map((r) => r.actionType)).toEqual([
      'ALERT_CREATED',
      'ALERT_APPROVED',
      'STEP_FUNCTION_STARTED',
      'SNS_NOTIFICATION_SENT',
    ]);
    expect(onCounts).toHaveBeenCalledWith({ processed: 2, skipped: 1, failed: 0 });
  });

  it('reports a failed record by sequence number, tells the hook once, and carries on', async () => {
    const f = fakes();
    f.notifier.failNext = 1;
    const onRecordFailed = vi.fn();
    const onCounts = vi.fn();
    const handler = createDispatchHandler(f.deps, { onRecordFailed, onCounts });

    const undecodable = alertChanged('MODIFY', '300', {});
    await expect(handler(streamEvent([approve, undecodable, insert]))).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: '200' }, { itemIdentifier: '300' }],
    });
    expect(onRecordFailed).toHaveBeenCalledTimes(2);
    expect(onRecordFailed).toHaveBeenNthCalledWith(
      1,
      '200',
      pending.alertId,
      expect.objectContaining({ message: 'SNS publish failed' }),
    );
    expect(onRecordFailed).toHaveBeenNthCalledWith(
      2,
      '300',
      undefined,
      expect.objectContaining({ name: 'UndecodableRecordError' }),
    );
    expect(onCounts).toHaveBeenCalledWith({ processed: 1, skipped: 0, failed: 2 });

    // Lambda redelivers from the first failure; the retry completes it without a second publish.
    await expect(handler(streamEvent([approve, insert]))).resolves.toEqual({ batchItemFailures: [] });
    expect(f.notifier.published).toHaveLength(1);
  });

  it('reports a batch whose every record failed instead of throwing', async () => {
    const f = fakes();
    f.audit.failNext = 10;
    const handler = createDispatchHandler(f.deps);
    await expect(handler(streamEvent([insert]))).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: '100' }],
    });
  });

  it('registers each invocation context before dispatching', async () => {
    const f = fakes();
    const registerLambdaContext = vi.fn();
    const handler = createDispatchHandler({ ...f.deps, registerLambdaContext });
    const context = { getRemainingTimeInMillis: () => 30_000 } as unknown as Context; // only what is read
    await handler(streamEvent([insert]), context);
    expect(registerLambdaContext).toHaveBeenCalledWith(context);
  });
});
