import { describe, expect, it } from 'vitest';
import type { Metric } from '../../../src/domain/types';
import { StationHistory } from '../../../src/streams/station-history';
import { MINUTE, metric, T0 } from '../../support/metric-factory';

const WINDOW = 5 * MINUTE;
const at = (stationId: string, minute: number, overrides: Partial<Metric> = {}): Metric =>
  metric({ stationId, timestamp: T0 + minute * MINUTE, ...overrides });
const minutes = (readings: readonly Metric[] | undefined) =>
  readings?.map((m) => (m.timestamp - T0) / MINUTE);

describe('StationHistory', () => {
  const history = (maxReadings = 1_000) =>
    new StationHistory({ maxReadings, windowMs: WINDOW, instanceId: 'i-1' });

  it('resumes a shard only with the token it issued last for that shard', () => {
    const h = history();
    const first = h.resume('s1', undefined);
    expect(first.resumed).toBe(false);
    first.seed('A', T0 - WINDOW, [at('A', 0)]);
    const token = first.seal();
    expect(token).toMatch(/^i-1:/);

    const second = h.resume('s1', token);
    expect(second.resumed).toBe(true);
    expect(minutes(second.covering('A', T0 - WINDOW))).toEqual([0]);
    const next = second.seal();
    expect(next).not.toBe(token);

    // The older token, another instance's, another shard's, or none: the shard is forgotten.
    for (const stale of [token, 'i-2:1', undefined, {}]) {
      const view = h.resume('s1', stale);
      expect(view.resumed).toBe(false);
      expect(view.covering('A', T0 - WINDOW)).toBeUndefined();
    }
    expect(h.resume('s2', next).resumed).toBe(false);
  });

  it('tells a state it did not issue within the window it sealed from a new window', () => {
    const h = history();
    const W1 = '2026-01-01T00:00:00Z';
    const W2 = '2026-01-01T00:15:00Z';
    const first = h.resume('s1', undefined, W1);
    expect(first.unissued).toBe(false);
    const token = first.seal();
    // The token it issued, in the same window: resumed, nothing to report.
    const second = h.resume('s1', token, W1);
    expect([second.resumed, second.unissued]).toEqual([true, false]);
    const next = second.seal();
    // An empty state or another instance's token in the same window: Lambda did not hand back its state.
    expect(h.resume('s1', undefined, W1).unissued).toBe(true);
    const again = h.resume('s1', 'i-2:7', W1);
    expect(again.unissued).toBe(false); // the previous resume already forgot the shard: nothing sealed since
    again.seal();
    expect(h.resume('s1', 'i-2:8', W1).unissued).toBe(true);
    // A new window starts with an empty state: expected.
    const fresh = h.resume('s1', undefined, W2);
    expect(fresh.unissued).toBe(false);
    expect(next).not.toBe(token);
  });

  it('answers only for ranges the read covered, and keeps records applied since in order', () => {
    const view = history().resume('s1', undefined);
    expect(view.covering('A', T0)).toBeUndefined();
    view.seed('A', T0 - MINUTE, [at('A', 2), at('A', 0)]);
    expect(view.covering('A', T0 - 2 * MINUTE)).toBeUndefined();
    view.apply(at('A', 1));
    view.apply(at('A', 3));
    view.apply(at('A', 2, { chargedBatteries: 1 }));
    // Older than the covered range: not known to be complete there, so not kept.
    view.apply(at('A', -3));
    // A station never read is not started from the stream alone.
    view.apply(at('B', 3));
    const readings = view.covering('A', T0 - MINUTE);
    expect(minutes(readings)).toEqual([0, 1, 2, 3]);
    expect(readings?.[2]?.chargedBatteries).toBe(1);
    expect(view.covering('B', 0)).toBeUndefined();
    view.remove('A', T0 + MINUTE);
    expect(minutes(view.covering('A', T0 - MINUTE))).toEqual([0, 2, 3]);
  });

  it('drops what no later window reaches only when the invocation seals, and then covers less', () => {
    const h = history();
    const view = h.resume('s1', undefined);
    view.seed('A', T0 - WINDOW, [at('A', 0), at('A', 1)]);
    view.apply(at('A', 9));
    // Still whole inside the invocation: an earlier record of the batch may need minute 0.
    expect(minutes(view.covering('A', T0 - WINDOW))).toEqual([0, 1, 9]);
    const next = h.resume('s1', view.seal());
    expect(next.covering('A', T0 - WINDOW)).toBeUndefined();
    expect(minutes(next.covering('A', T0 + 4 * MINUTE))).toEqual([9]);
    expect(h.size).toBe(1);
  });

  it('evicts the least recently used stations beyond maxReadings', () => {
    const h = history(4);
    const view = h.resume('s1', undefined);
    view.seed('A', T0 - WINDOW, [at('A', 0), at('A', 1)]);
    view.seed('B', T0 - WINDOW, [at('B', 0), at('B', 1)]);
    view.covering('A', T0 - WINDOW);
    view.seed('C', T0 - WINDOW, [at('C', 0)]);
    const next = h.resume('s1', view.seal());
    expect(next.covering('B', T0)).toBeUndefined();
    expect(minutes(next.covering('A', T0))).toEqual([0, 1]);
    expect(minutes(next.covering('C', T0))).toEqual([0]);
    expect(h.size).toBe(3);
  });

  it('forgets a whole shard on demand', () => {
    const h = history();
    const view = h.resume('s1', undefined);
    view.seed('A', T0 - WINDOW, [at('A', 0)]);
    view.forget();
    expect(view.covering('A', T0 - WINDOW)).toBeUndefined();
    const token = view.seal();
    expect(h.resume('s1', token).covering('A', T0 - WINDOW)).toBeUndefined();
  });
});
