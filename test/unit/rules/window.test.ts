import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Metric } from '../../../src/domain/types';
import { DEFAULT_WINDOW_MS, windowFor } from '../../../src/rules/window';
import { MINUTE, metric, T0 } from '../../support/metric-factory';

const at = (timestamp: number, overrides: Partial<Metric> = {}) => metric({ timestamp, ...overrides });
const stamps = (window: readonly Metric[]) => window.map((m) => m.timestamp);

describe('windowFor', () => {
  it.each<[string, number, boolean]>([
    ['exactly windowMs before (start is exclusive)', T0 - DEFAULT_WINDOW_MS, false],
    ['1 ms inside the start', T0 - DEFAULT_WINDOW_MS + 1, true],
    ['1 ms before the evaluated record', T0 - 1, true],
    ['1 ms after the evaluated record (the future)', T0 + 1, false],
    ['an hour before', T0 - 60 * MINUTE, false],
  ])('a record %s -> included: %s', (_case, timestamp, included) => {
    const evaluated = at(T0);
    const window = windowFor(
      [at(timestamp), evaluated].sort((a, b) => a.timestamp - b.timestamp),
      evaluated,
    );
    expect(stamps(window)).toEqual(included ? [timestamp, T0] : [T0]);
  });

  it('defaults to a 5-minute window', () => {
    expect(DEFAULT_WINDOW_MS).toBe(300_000);
  });

  it('honours a custom windowMs', () => {
    const history = [at(T0 - 3 * MINUTE), at(T0 - 2 * MINUTE), at(T0 - MINUTE)];
    expect(stamps(windowFor(history, at(T0), 2 * MINUTE))).toEqual([T0 - MINUTE, T0]);
  });

  it('sorts out-of-order input before selecting', () => {
    const history = [at(T0 - MINUTE), at(T0 - 10 * MINUTE), at(T0), at(T0 - 4 * MINUTE), at(T0 + MINUTE)];
    const evaluated = history[2] ?? at(T0);
    expect(stamps(windowFor(history, evaluated))).toEqual([T0 - 4 * MINUTE, T0 - MINUTE, T0]);
  });

  it('adds the evaluated record when the list lacks it', () => {
    const evaluated = at(T0, { chargedBatteries: 1 });
    const window = windowFor([at(T0 - MINUTE)], evaluated);
    expect(window[window.length - 1]).toBe(evaluated);
    expect(window).toHaveLength(2);
  });

  it('counts the evaluated record once when the list holds a stored copy of it', () => {
    const evaluated = at(T0);
    const window = windowFor([at(T0 - MINUTE), { ...evaluated }], evaluated);
    expect(stamps(window)).toEqual([T0 - MINUTE, T0]);
    expect(window[1]).toBe(evaluated);
  });

  it("skips other stations' records", () => {
    const history = [at(T0 - 2 * MINUTE), at(T0 - MINUTE, { stationId: 'STATION_001' })];
    expect(stamps(windowFor(history, at(T0)))).toEqual([T0 - 2 * MINUTE, T0]);
  });

  it('selects a window per record of one fetched list, each ending at its own record', () => {
    const history = Array.from({ length: 10 }, (_, i) => at(T0 + i * MINUTE));
    const sizes = history.map((evaluated) => windowFor(history, evaluated).length);
    expect(sizes).toEqual([1, 2, 3, 4, 5, 5, 5, 5, 5, 5]);
  });

  it('sees records appended to a list it has seen before', () => {
    const history = [at(T0 - 3 * MINUTE), at(T0 - 2 * MINUTE)];
    expect(windowFor(history, at(T0))).toHaveLength(3);
    history.push(at(T0 - MINUTE));
    expect(windowFor(history, at(T0))).toHaveLength(4);
  });

  it('sees records inserted into the middle of a list it has seen before', () => {
    const history = [at(T0 - 4 * MINUTE), at(T0 - MINUTE)];
    expect(windowFor(history, at(T0))).toHaveLength(3);
    history.splice(1, 0, at(T0 - 2 * MINUTE));
    expect(stamps(windowFor(history, at(T0)))).toEqual([T0 - 4 * MINUTE, T0 - 2 * MINUTE, T0 - MINUTE, T0]);
  });

  it.each([0, -1, Number.NaN])('rejects windowMs %s', (windowMs) => {
    expect(() => windowFor([], at(T0), windowMs)).toThrow(/windowMs/);
  });

  it('matches a brute-force filter on any list', () => {
    const timestamp = fc.integer({ min: T0 - 10 * MINUTE, max: T0 + MINUTE });
    fc.assert(
      fc.property(
        fc.array(timestamp, { maxLength: 40 }),
        fc.integer({ min: 1, max: 10 * MINUTE }),
        (times, windowMs) => {
          const unique = [...new Set(times)];
          const evaluated = at(T0);
          const expected = unique
            .filter((ts) => ts > T0 - windowMs && ts < T0)
            .sort((a, b) => a - b)
            .concat(T0);
          expect(
            stamps(
              windowFor(
                unique.map((ts) => at(ts)),
                evaluated,
                windowMs,
              ),
            ),
          ).toEqual(expected);
        },
      ),
    );
  });
});
