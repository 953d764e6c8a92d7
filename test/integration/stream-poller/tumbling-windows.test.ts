import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type BatchContext,
  processBatch,
  processRecords,
} from '../../../src/local/stream-poller/batch-processor';
import type { StreamEntry } from '../../../src/local/stream-poller/lambda-record';
import { batchLength, isTimeWindowEvent, windowAt } from '../../../src/local/stream-poller/tumbling-window';
import type {
  DynamoDBTimeWindowEvent,
  DynamoDBTimeWindowEventResponse,
  WindowState,
} from '../../../src/local/stream-poller/types';
import {
  createStreamFixture,
  keyOf,
  offlineBatchContext,
  type StreamFixture,
  sequenceOf,
  settingsWith,
  waitFor,
} from './support';

type AnyEvent = DynamoDBStreamEvent | DynamoDBTimeWindowEvent;
type Response =
  | DynamoDBTimeWindowEventResponse
  | { batchItemFailures: { itemIdentifier: string }[] }
  | undefined;

/** A window start (2030-01-01T00:00:00Z is a multiple of every window length used here). */
const T0 = Date.parse('2030-01-01T00:00:00Z');

const entry = (n: number, createdAtMs: number): StreamEntry => {
  const sequenceNumber = String(n).padStart(21, '0');
  return {
    sequenceNumber,
    createdAtMs,
    ageFromMs: createdAtMs,
    record: {
      eventID: `e${n}`,
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: {
        ApproximateCreationDateTime: createdAtMs / 1000,
        Keys: { id: { S: `r${n}` } },
        SequenceNumber: sequenceNumber,
      },
    },
  };
};

const windowed = (event: AnyEvent): DynamoDBTimeWindowEvent => {
  if (!isTimeWindowEvent(event)) throw new Error(`not a time window event: ${JSON.stringify(event)}`);
  return event;
};
const ids = (event: AnyEvent) => event.Records.map((r) => Number(r.dynamodb?.SequenceNumber));
const counted = (state: WindowState): number => (typeof state.count === 'number' ? state.count : 0);
const fail = (): never => {
  throw new Error('boom');
};

/** processBatch/processRecords without DynamoDB: exact control of creation times and of window bounds. */
const harness = (
  overrides: Parameters<typeof settingsWith>[0],
  behaviour: (event: DynamoDBTimeWindowEvent, call: number) => Response,
  options: { stopAfterCalls?: number } = {},
) => {
  const events: DynamoDBTimeWindowEvent[] = [];
  // What each invocation received, copied before the handler can touch it.
  const received: { ids: number[]; state: WindowState; final: boolean }[] = [];
  const { ctx, commits, deadLetters } = offlineBatchContext(
    settingsWith({ tumblingWindowSeconds: 2, ...overrides }),
    async (event) => {
      const e = windowed(event);
      events.push(structuredClone(e));
      received.push({ ids: ids(e), state: structuredClone(e.state), final: e.isFinalInvokeForWindow });
      return behaviour(e, events.length);
    },
    {
      now: T0,
      stopping: () => options.stopAfterCalls !== undefined && events.length >= options.stopAfterCalls,
    },
  );
  return { ctx, events, received, commits, deadLetters };
};

/** A handler aggregating in its state, as Lambda's tumbling-window examples do. */
const counting = (event: DynamoDBTimeWindowEvent): DynamoDBTimeWindowEventResponse => ({
  state: { count: counted(event.state) + event.Records.length },
});

describe('tumbling windows: state, batches and final invocations (processBatch level)', () => {
  it('carries the state from one invocation to the next, cuts batches at window ends and ends each window with a final invocation', async () => {
    const h = harness({ batchSize: 2, reportBatchItemFailures: true }, counting);
    const entries = [
      entry(1, T0),
      entry(2, T0 + 500),
      entry(3, T0 + 1_999),
      entry(4, T0 + 2_000),
      entry(5, T0 + 3_000),
    ];
    expect(batchLength(entries, h.ctx.settings)).toBe(2);
    expect(batchLength(entries.slice(2), h.ctx.settings)).toBe(1);

    expect(await processRecords(entries, h.ctx)).toBe('done');
    expect(h.received).toEqual([
      { ids: [1, 2], state: {}, final: false },
      // Record 3 is alone: batchSize would allow record 4, but that one belongs to the next window.
      { ids: [3], state: { count: 2 }, final: false },
      { ids: [], state: { count: 3 }, final: true },
      // The next window starts afresh: the final invocation's returned state is dropped.
      { ids: [4, 5], state: {}, final: false },
      { ids: [], state: { count: 2 }, final: true },
    ]);
    expect(h.events.map((e) => e.window)).toEqual([
      ...Array(3).fill({ start: '2030-01-01T00:00:00Z', end: '2030-01-01T00:00:02Z' }),
      ...Array(2).fill({ start: '2030-01-01T00:00:02Z', end: '2030-01-01T00:00:04Z' }),
    ]);
    // Final invocations move no checkpoint.
    expect(h.commits).toEqual([2, 3, 5]);
  });

  it('delivers the time-window event shape, with a fresh copy of the state per invocation', async () => {
    const h = harness({ maximumRetryAttempts: 1 }, (event, call) => {
      // A handler mutating its state and then failing must not change what the retry gets.
      event.state.count = 99;
      return call === 1 ? fail() : counting(event);
    });
    const open = { window: windowAt(T0, 2), state: { count: 1 } };
    await processBatch([entry(1, T0)], { ...h.ctx, window: open });
    expect(h.events[0]).toEqual({
      Records: [entry(1, T0).record],
      window: { start: '2030-01-01T00:00:00Z', end: '2030-01-01T00:00:02Z' },
      state: { count: 1 },
      shardId: 'shardId-1',
      eventSourceARN: h.ctx.streamArn,
      isFinalInvokeForWindow: false,
      isWindowTerminatedEarly: false,
    });
    expect(h.received.map((r) => r.state)).toEqual([{ count: 1 }, { count: 1 }]);
    expect(open.state).toEqual({ count: 100 });
  });

  it('treats a response without a state object as a failed invocation, retried with the same state', async () => {
    const h = harness({ reportBatchItemFailures: true, maximumRetryAttempts: 3 }, (event, call) => {
      if (call === 1) return { batchItemFailures: [] };
      if (call === 2) return { state: [] as unknown as WindowState };
      if (call === 3) return undefined;
      return counting(event);
    });
    const open = { window: windowAt(T0, 2), state: { count: 5 } };
    expect(await processBatch([entry(1, T0), entry(2, T0)], { ...h.ctx, window: open })).toBe('done');
    expect(h.received.map((r) => [r.ids, r.state])).toEqual(Array(4).fill([[1, 2], { count: 5 }]));
    expect(open.state).toEqual({ count: 7 });
    expect(h.commits).toEqual([2]);
  });

  it('dead-letters a batch whose responses never carry state once its retries run out, keeping the state', async () => {
    const h = harness({ maximumRetryAttempts: 1 }, () => ({ batchItemFailures: [] }));
    const open = { window: windowAt(T0, 2), state: { count: 5 } };
    await processBatch([entry(1, T0)], { ...h.ctx, window: open });
    expect(h.received).toHaveLength(2);
    expect(h.deadLetters[0]?.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted' });
    // The function returned: no functionError, as for any other unusable response.
    expect(h.deadLetters[0]?.responseContext.functionError).toBeUndefined();
    expect(open.state).toEqual({ count: 5 });
  });

  it('gives bisected halves the state of the failed attempt', async () => {
    const h = harness({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 0 }, (event) =>
      ids(event).includes(2) ? fail() : counting(event),
    );
    const open = { window: windowAt(T0, 2), state: { count: 10 } };
    await processBatch([entry(1, T0), entry(2, T0)], { ...h.ctx, window: open });
    expect(h.received.map((r) => [r.ids, r.state])).toEqual([
      [[1, 2], { count: 10 }],
      [[1], { count: 10 }],
      [[2], { count: 11 }],
    ]);
    expect(open.state).toEqual({ count: 11 });
  });

  it('with a partial failure, keeps the returned state and redelivers from the failed record', async () => {
    const h = harness({ reportBatchItemFailures: true }, (event, call) => {
      if (call !== 1) return counting(event);
      const failed = event.Records[2]?.dynamodb?.SequenceNumber ?? '';
      return { state: { count: 2 }, batchItemFailures: [{ itemIdentifier: failed }] };
    });
    const open = { window: windowAt(T0, 2), state: {} };
    await processBatch([entry(1, T0), entry(2, T0), entry(3, T0), entry(4, T0)], { ...h.ctx, window: open });
    expect(h.received.map((r) => [r.ids, r.state])).toEqual([
      [[1, 2, 3, 4], {}],
      [[3, 4], { count: 2 }],
    ]);
    expect(h.commits).toEqual([2, 4]);
    expect(open.state).toEqual({ count: 4 });
  });

  it('retries a failing final invocation until it succeeds, and stops retrying when the poller stops', async () => {
    const h = harness({}, (event, call) => {
      if (!event.isFinalInvokeForWindow) return counting(event);
      if (call === 2) fail();
      if (call === 3) return { batchItemFailures: [] }; // no state: a failure too
      return { state: {} };
    });
    await processRecords([entry(1, T0)], h.ctx);
    expect(h.received).toEqual([
      { ids: [1], state: {}, final: false },
      ...Array(3).fill({ ids: [], state: { count: 1 }, final: true }),
    ]);
    expect(h.commits).toEqual([1]);

    const stopped = harness({}, (event) => (event.isFinalInvokeForWindow ? fail() : counting(event)), {
      stopAfterCalls: 4,
    });
    expect(await processRecords([entry(1, T0)], stopped.ctx)).toBe('stopped');
    expect(stopped.received).toHaveLength(4);
  });

  it('with finalInvokeAttempts (replay), gives a failing window up after that many attempts', async () => {
    const errors: string[] = [];
    const h = harness({}, (event) => (event.isFinalInvokeForWindow ? fail() : counting(event)));
    const ctx = {
      ...h.ctx,
      finalInvokeAttempts: 2,
      logger: { ...h.ctx.logger, error: (m: string) => void errors.push(m) },
    };
    expect(await processRecords([entry(1, T0), entry(2, T0 + 2_000)], ctx)).toBe('done');
    expect(h.received.map((r) => [r.ids, r.final])).toEqual([
      [[1], false],
      [[], true],
      [[], true],
      [[2], false],
      [[], true],
      [[], true],
    ]);
    expect(errors).toHaveLength(2);
  });

  it('without tumbling windows the event is { Records } and a response without state is a success', async () => {
    const events: AnyEvent[] = [];
    const h = harness({ tumblingWindowSeconds: 0 }, () => undefined);
    const ctx: BatchContext = {
      ...h.ctx,
      invoke: async (event) => {
        events.push(event);
        return undefined;
      },
    };
    await processRecords([entry(1, T0), entry(2, T0 + 5_000)], ctx);
    expect(events).toEqual([{ Records: [entry(1, T0).record, entry(2, T0 + 5_000).record] }]);
  });
});

/** The next multiple of `seconds` since the epoch is at least `marginMs` away (so a test's records share a window). */
const awayFromWindowEnd = async (seconds: number, marginMs: number): Promise<void> => {
  const left = seconds * 1000 - (Date.now() % (seconds * 1000));
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
};

describe('tumbling windows: a shard of DynamoDB Local', () => {
  let fx: StreamFixture;
  beforeEach(async () => {
    fx = await createStreamFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  const recorder = (behaviour: (event: DynamoDBTimeWindowEvent, call: number) => Response) => {
    const calls: { keys: string[]; state: WindowState; final: boolean }[] = [];
    const events: DynamoDBTimeWindowEvent[] = [];
    const invoke = async (event: AnyEvent) => {
      const e = windowed(event);
      events.push(e);
      calls.push({
        keys: e.Records.map(keyOf),
        state: structuredClone(e.state),
        final: e.isFinalInvokeForWindow,
      });
      return behaviour(e, calls.length);
    };
    return { invoke, calls, events };
  };

  it('carries the state across the batches of a shard, through a partial failure, with the window in the event', async () => {
    // DynamoDB Local rounds creation times down to the minute; a 15-minute window holds every record here.
    await awayFromWindowEnd(900, 5_000);
    await fx.putAlerts(['a0', 'a1', 'a2', 'a3', 'a4']);
    let failedOnce = false;
    const handler = recorder((event) => {
      if (!failedOnce && event.Records.some((r) => keyOf(r) === 'a3')) {
        failedOnce = true;
        return {
          state: { count: counted(event.state) + 1 },
          batchItemFailures: [{ itemIdentifier: sequenceOf(event, 'a3') }],
        };
      }
      return counting(event);
    });
    const poller = fx.poller({
      invoke: handler.invoke,
      settings: settingsWith({ batchSize: 2, tumblingWindowSeconds: 900, reportBatchItemFailures: true }),
    });
    await poller.start();
    await poller.idle();

    expect(handler.calls).toEqual([
      { keys: ['a0', 'a1'], state: {}, final: false },
      { keys: ['a2', 'a3'], state: { count: 2 }, final: false },
      { keys: ['a3'], state: { count: 3 }, final: false },
      { keys: ['a4'], state: { count: 4 }, final: false },
    ]);
    const first = handler.events[0];
    const created = (first?.Records[0]?.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000;
    const start = Date.parse(first?.window.start ?? '');
    const end = Date.parse(first?.window.end ?? '');
    expect(first?.window.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
    expect(end - start).toBe(900_000);
    expect(start % 900_000).toBe(0);
    expect(created).toBeGreaterThanOrEqual(start);
    expect(created).toBeLessThan(end);
    expect(first).toMatchObject({
      shardId: expect.stringMatching(/^shardId-/),
      eventSourceARN: fx.streamArn,
      isWindowTerminatedEarly: false,
    });
  });

  it('ends a window with a final invocation once the clock passes its end; the next records start with {}', async () => {
    // Puts on both sides of a minute would get two creation minutes, hence two windows.
    await awayFromWindowEnd(60, 2_000);
    await fx.putAlerts(['b0', 'b1', 'b2']);
    const handler = recorder(counting);
    const poller = fx.poller({
      invoke: handler.invoke,
      // 1 s windows: the minute-rounded creation times put every record in a window that has already ended.
      settings: settingsWith({ tumblingWindowSeconds: 1 }),
    });
    await poller.start();
    await waitFor(() => handler.calls.length >= 2);
    await awayFromWindowEnd(60, 2_000);
    await fx.putAlerts(['b3', 'b4']);
    await waitFor(
      () => handler.calls.at(-1)?.final === true && handler.calls.some((c) => c.keys.includes('b4')),
    );

    expect(handler.calls.slice(0, 2)).toEqual([
      { keys: ['b0', 'b1', 'b2'], state: {}, final: false },
      { keys: [], state: { count: 3 }, final: true },
    ]);
    // The puts are separate writes, so b3 and b4 may come in one batch or two (each then in its own,
    // already ended, window): every window starts with {} and ends with the count of its own records.
    const later = handler.calls.slice(2);
    expect(later.flatMap((c) => c.keys)).toEqual(['b3', 'b4']);
    let count = 0;
    for (const call of later) {
      expect(call.state).toEqual(count === 0 ? {} : { count });
      count = call.final ? 0 : count + call.keys.length;
    }
    expect(later.at(-1)?.final).toBe(true);
    const final = handler.events[1];
    expect(final?.window).toEqual(handler.events[0]?.window);
    expect(final?.shardId).toBe(handler.events[0]?.shardId);
  });

  it('without tumblingWindowSeconds the event has no window fields', async () => {
    await fx.putAlerts(['c0']);
    const events: AnyEvent[] = [];
    const poller = fx.poller({
      invoke: async (event) => {
        events.push(event);
        return undefined;
      },
      settings: settingsWith(),
    });
    await poller.start();
    await poller.idle();
    expect(events).toHaveLength(1);
    expect(Object.keys(events[0] ?? {})).toEqual(['Records']);
  });
});
