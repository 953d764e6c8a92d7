import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Metric } from '../../../src/domain/types';
import { createFleet, runSimulator, SendError, type TickInfo } from '../../../src/local/simulator';
import { START } from './drive';

/** A clock that only moves when the test (or the fake sleep/send) moves it. */
const fakeTime = (abortAt: number, controller: AbortController) => {
  let now = START;
  return {
    clock: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    sleep: async (ms: number) => {
      now += ms;
      if (now - START >= abortAt) controller.abort();
    },
  };
};

describe('runSimulator', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends one array per tick, every interval, until aborted', async () => {
    const controller = new AbortController();
    const time = fakeTime(60_000, controller);
    const sent: Metric[][] = [];
    const summary = await runSimulator({
      fleet: createFleet({ stations: 3, seed: 1, incidents: true }),
      intervalMs: 5000,
      send: async (metrics) => {
        sent.push(metrics);
      },
      signal: controller.signal,
      clock: time.clock,
      sleep: time.sleep,
    });
    // Ticks at 0, 5 s, ... 55 s; the sleep that reaches 60 s aborts.
    expect(sent).toHaveLength(12);
    expect(sent.map((metrics) => metrics[0]?.timestamp)).toEqual(
      Array.from({ length: 12 }, (_, i) => START + i * 5000),
    );
    expect(sent.every((metrics) => metrics.length === 3)).toBe(true);
    expect(summary).toMatchObject({
      ticks: 12,
      skippedTicks: 0,
      metricsSent: 36,
      requestsOk: 12,
      requestsFailed: 0,
      errorsByStatus: {},
      elapsedMs: 60_000,
      metricsPerSecond: 0.6,
    });
  });

  it('splits a large fleet into requests of at most 500 readings', async () => {
    const controller = new AbortController();
    const time = fakeTime(10_000, controller);
    const sizes: number[] = [];
    const ticksSeen: TickInfo[] = [];
    await runSimulator({
      fleet: createFleet({ stations: 1201, seed: 1, incidents: false }),
      send: async (metrics) => {
        sizes.push(metrics.length);
      },
      onTick: (info) => ticksSeen.push(info),
      signal: controller.signal,
      clock: time.clock,
      sleep: time.sleep,
    });
    expect(sizes).toEqual([500, 500, 201, 500, 500, 201]);
    expect(ticksSeen.map((info) => [info.tick, info.metrics, info.requests])).toEqual([
      [1, 1201, 3],
      [2, 1201, 3],
    ]);
  });

  it('never overlaps sends: slots a slow send overran are skipped, not queued', async () => {
    const controller = new AbortController();
    const time = fakeTime(60_000, controller);
    let inFlight = 0;
    let maxInFlight = 0;
    const starts: number[] = [];
    const summary = await runSimulator({
      fleet: createFleet({ stations: 2, seed: 1, incidents: false }),
      intervalMs: 5000,
      send: async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        starts.push(time.clock() - START);
        // 12 s per request: each send overruns two 5 s slots.
        await Promise.resolve();
        time.advance(12_000);
        inFlight--;
      },
      signal: controller.signal,
      clock: time.clock,
      sleep: time.sleep,
    });
    expect(maxInFlight).toBe(1);
    // Back on the fixed 5 s grid after each send: 0 -> 15 s -> 30 s -> 45 s.
    expect(starts).toEqual([0, 15_000, 30_000, 45_000]);
    expect(summary.ticks).toBe(4);
    expect(summary.skippedTicks).toBe(8);
  });

  it('reports a failing send through onTick and keeps going', async () => {
    const controller = new AbortController();
    const time = fakeTime(30_000, controller);
    let calls = 0;
    const reports: TickInfo[] = [];
    const summary = await runSimulator({
      fleet: createFleet({ stations: 2, seed: 1, incidents: true }),
      intervalMs: 5000,
      send: async () => {
        calls++;
        if (calls === 2) throw new SendError('POST /metrics answered 503', 503, 'busy');
        if (calls === 4) throw new SendError('POST /metrics failed: ECONNREFUSED', undefined, '');
        if (calls === 5) throw new Error('boom');
      },
      onTick: (info) => reports.push(info),
      signal: controller.signal,
      clock: time.clock,
      sleep: time.sleep,
    });
    expect(calls).toBe(6);
    expect(reports.map((info) => info.failures.map((failure) => failure.status))).toEqual([
      [],
      ['503'],
      [],
      ['network'],
      ['error'],
      [],
    ]);
    expect(reports[1]?.failures[0]).toEqual({
      status: '503',
      message: 'POST /metrics answered 503',
      metrics: 2,
    });
    expect(summary).toMatchObject({
      ticks: 6,
      requestsOk: 3,
      requestsFailed: 3,
      metricsSent: 6,
      metricsFailed: 6,
      errorsByStatus: { '503': 1, network: 1, error: 1 },
      lastError: 'boom',
    });
  });

  it('returns at once when the signal is already aborted', async () => {
    const send = vi.fn(async () => {});
    const summary = await runSimulator({
      fleet: createFleet({ stations: 1, seed: 1, incidents: false }),
      send,
      signal: AbortSignal.abort(),
    });
    expect(send).not.toHaveBeenCalled();
    expect(summary.ticks).toBe(0);
  });

  it('runs on real timers by default: an abort during the wait ends the run without another tick', async () => {
    vi.useFakeTimers({ now: START });
    const controller = new AbortController();
    const sent: number[] = [];
    const run = runSimulator({
      fleet: createFleet({ stations: 1, seed: 1, incidents: false }),
      intervalMs: 1000,
      send: async (metrics) => {
        sent.push((metrics[0]?.timestamp ?? 0) - START);
      },
      signal: controller.signal,
    });
    await vi.advanceTimersByTimeAsync(3500);
    controller.abort();
    const summary = await run;
    expect(sent).toEqual([0, 1000, 2000, 3000]);
    expect(summary).toMatchObject({ ticks: 4, elapsedMs: 3500 });
  });

  it.each([0, -5, Number.NaN])('refuses an interval of %s ms', async (intervalMs) => {
    await expect(
      runSimulator({
        fleet: createFleet({ stations: 1, incidents: false }),
        intervalMs,
        send: async () => {},
      }),
    ).rejects.toThrow(/intervalMs/);
  });
});
