import type { AlertCandidate } from '../../../src/domain/ports';
import type { Metric } from '../../../src/domain/types';
import type { Fleet } from '../../../src/local/simulator';
import { DEFAULT_THRESHOLDS, evaluateWindow, windowFor } from '../../../src/rules';

/** 2025-01-01T17:00:00Z: the evening peak, the busiest normal demand. */
export const START = Date.UTC(2025, 0, 1, 17, 0, 0);

/** Every reading of `fleet` ticked every `everyMs` from START for `forMs` (inclusive), in tick order. */
export const ticks = (fleet: Fleet, forMs: number, everyMs = 5000): Metric[][] => {
  const all: Metric[][] = [];
  for (let t = 0; t <= forMs; t += everyMs) all.push(fleet.tick(START + t));
  return all;
};

/**
 * Feeds each station's readings, in order, through the real rule engine the way the evaluator does:
 * the window of each reading is selected from that station's readings so far.
 */
export const candidatesOf = (tickList: readonly Metric[][]): AlertCandidate[] => {
  const byStation = new Map<string, Metric[]>();
  const candidates: AlertCandidate[] = [];
  for (const tick of tickList) {
    for (const metric of tick) {
      const history = byStation.get(metric.stationId) ?? [];
      history.push(metric);
      byStation.set(metric.stationId, history);
      candidates.push(...evaluateWindow(windowFor(history, metric), metric, DEFAULT_THRESHOLDS));
    }
  }
  return candidates;
};

export const typesOf = (candidates: readonly AlertCandidate[]): Set<string> =>
  new Set(candidates.map((candidate) => candidate.alertType));
