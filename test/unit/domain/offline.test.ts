import { describe, expect, it } from 'vitest';
import { ConfigError, parseSettings } from '../../../src/config';
import {
  DEFAULT_OFFLINE_AFTER_MS,
  heartbeatDue,
  heartbeatPeriodMs,
  lastHeardAt,
  MIN_OFFLINE_AFTER_MS,
  offlineAlert,
  offlineVerdict,
} from '../../../src/domain/offline';

const OA = 180_000;
const T0 = 1_800_000_000_000;

describe('offline detection (wall clock)', () => {
  it('is alive until offlineAfter of silence, HIGH from then, CRITICAL from 4x, each step at a fixed trigger time', () => {
    expect(offlineVerdict(T0, T0 + OA - 1, OA)).toEqual({ kind: 'alive', dueAt: T0 + OA });
    expect(offlineVerdict(T0, T0 + OA, OA)).toEqual({
      kind: 'offline',
      severity: 'HIGH',
      triggeredAt: T0 + OA,
      silentForMs: OA,
      nextDueAt: T0 + 4 * OA,
    });
    // Later in the same step: the same trigger (so the same alert id), only the silence grows.
    expect(offlineVerdict(T0, T0 + 4 * OA - 1, OA)).toMatchObject({ severity: 'HIGH', triggeredAt: T0 + OA });
    const critical = offlineVerdict(T0, T0 + 4 * OA, OA);
    expect(critical).toEqual({
      kind: 'offline',
      severity: 'CRITICAL',
      triggeredAt: T0 + 4 * OA,
      silentForMs: 4 * OA,
    });
    expect(offlineVerdict(T0, T0 + 40 * OA, OA)).toMatchObject({
      severity: 'CRITICAL',
      triggeredAt: T0 + 4 * OA,
    });
  });

  it('places a reading newer than the last heartbeat on the wall clock by the station clock offset, never past now', () => {
    const row = { lastSeenAt: T0, lastReadingAt: T0 - 7_000 }; // the station's clock is 7 s behind
    expect(lastHeardAt(row, undefined, T0 + OA)).toBe(T0);
    expect(lastHeardAt(row, T0 - 7_000, T0 + OA)).toBe(T0);
    expect(lastHeardAt(row, T0 - 60_000, T0 + OA)).toBe(T0); // an older reading says nothing new
    expect(lastHeardAt(row, T0 + 93_000, T0 + OA)).toBe(T0 + 100_000);
    expect(lastHeardAt(row, T0 + 10 * OA, T0 + OA)).toBe(T0 + OA);
  });

  it('writes a heartbeat when none is remembered, then once per 0.85 x offlineAfter', () => {
    const period = heartbeatPeriodMs(OA);
    expect(period).toBe(153_000);
    expect(heartbeatDue(undefined, T0, OA)).toBe(true);
    expect(heartbeatDue(T0, T0 + period - 1, OA)).toBe(false);
    expect(heartbeatDue(T0, T0 + period, OA)).toBe(true);
    // A clock that went back does not silence heartbeats.
    expect(heartbeatDue(T0, T0 - 1, OA)).toBe(true);
    // Room before dueAt for a 5 s reading interval and some lag: a healthy station is never due.
    expect(OA - period).toBeGreaterThan(5_000 + 10_000);
  });

  it('the alert names the station, its last reading and what to do', () => {
    const verdict = offlineVerdict(T0, T0 + OA, OA);
    if (verdict.kind !== 'offline') throw new Error('expected offline');
    const alert = offlineAlert('ST-9', verdict, T0, OA);
    expect(alert).toMatchObject({
      stationId: 'ST-9',
      alertType: 'STATION_OFFLINE',
      severity: 'HIGH',
      triggeredAt: T0 + OA,
      metadata: { thresholds: { offlineAfterMs: OA, criticalAfterMs: 4 * OA }, observed: { lastSeenAt: T0 } },
    });
    expect(alert.description).toContain(new Date(T0).toISOString());
    expect(alert.recommendedAction).toMatch(/power-cycle/);
  });

  it('OFFLINE_AFTER_MS: the default, blank means the default, a bad value fails naming the key', () => {
    const env = { METRICS_TABLE: 'metrics', ALERTS_TABLE: 'alerts', LAST_SEEN_TABLE: 'last-seen' };
    expect(parseSettings('sweepAlerts', env).OFFLINE_AFTER_MS).toBe(DEFAULT_OFFLINE_AFTER_MS);
    expect(parseSettings('sweepAlerts', { ...env, OFFLINE_AFTER_MS: '' }).OFFLINE_AFTER_MS).toBe(
      DEFAULT_OFFLINE_AFTER_MS,
    );
    expect(parseSettings('evaluateMetrics', { ...env, OFFLINE_AFTER_MS: '45000' }).OFFLINE_AFTER_MS).toBe(
      45_000,
    );
    for (const bad of ['3m', '1.5', String(MIN_OFFLINE_AFTER_MS - 1)]) {
      expect(() => parseSettings('sweepAlerts', { ...env, OFFLINE_AFTER_MS: bad })).toThrow(ConfigError);
      expect(() => parseSettings('sweepAlerts', { ...env, OFFLINE_AFTER_MS: bad })).toThrow(
        /OFFLINE_AFTER_MS/,
      );
    }
    expect(
      parseSettings('sweepAlerts', { ...env, OFFLINE_AFTER_MS: String(MIN_OFFLINE_AFTER_MS) })
        .OFFLINE_AFTER_MS,
    ).toBe(MIN_OFFLINE_AFTER_MS);
  });
});
