import { describe, expect, it } from 'vitest';
import {
  type Alert,
  type AuditEvent,
  deadlineText,
  filtersQuery,
  inboxOrder,
  localTime,
  parseFilters,
  rejectReason,
  ruleThreshold,
  traceOf,
} from '../../../console/model';

const T0 = 1_800_000_000_000;
const alert = (over: Partial<Alert>): Alert => ({
  alertId: over.alertId ?? 'a',
  stationId: 'ST-1',
  alertType: 'LOW_INVENTORY',
  severity: 'MEDIUM',
  status: 'PENDING',
  title: 't',
  description: 'd',
  recommendedAction: 'r',
  createdAt: T0,
  updatedAt: T0,
  occurrences: 1,
  lastSeenAt: T0,
  metadata: {},
  ...over,
});

describe('the console inbox', () => {
  it('puts PENDING first, most severe first, the longest waiting first; then the decided, newest first', () => {
    const ids = inboxOrder([
      alert({ alertId: 'approved-old', status: 'APPROVED', severity: 'CRITICAL', updatedAt: T0 }),
      alert({ alertId: 'low', severity: 'LOW', createdAt: T0 - 9_000 }),
      alert({ alertId: 'critical-new', severity: 'CRITICAL', createdAt: T0 }),
      alert({ alertId: 'critical-old', severity: 'CRITICAL', createdAt: T0 - 5_000 }),
      alert({ alertId: 'resolved-new', status: 'RESOLVED', updatedAt: T0 + 1 }),
    ]).map((a) => a.alertId);
    expect(ids).toEqual(['critical-old', 'critical-new', 'low', 'resolved-new', 'approved-old']);
  });

  it('keeps its filters in the URL, dropping an unknown status', () => {
    const filters = { status: 'RESOLVED', station: 'ST 7', type: 'CHARGER_DOWN' } as const;
    expect(parseFilters(filtersQuery(filters).slice(1))).toEqual(filters);
    expect(parseFilters('status=BOGUS').status).toBe('');
  });

  it('says how long is left to decide, or how overdue it is', () => {
    const pending = alert({ deadlineAt: T0 + 4 * 60_000 });
    expect(deadlineText(pending, T0)).toBe('in 4 min');
    expect(deadlineText(pending, T0 + 6 * 60_000)).toBe('overdue 2 min');
    expect(deadlineText({ ...pending, status: 'APPROVED' }, T0)).toBe('—');
  });
});

describe('the alert page', () => {
  it('refuses a reject without a reason code, and an "other" without a note', () => {
    expect(rejectReason('', 'because')).toEqual({ field: 'code', message: expect.any(String) });
    expect(rejectReason('OTHER', '  ')).toEqual({ field: 'text', message: expect.any(String) });
    expect(rejectReason('DUPLICATE', ' of a1 ')).toEqual({ code: 'DUPLICATE', reason: 'of a1' });
    expect(rejectReason('FALSE_ALARM', '')).toEqual({
      code: 'FALSE_ALARM',
      reason: 'False alarm (the rule was wrong)',
    });
    expect(rejectReason('FALSE_POSITIVE', '')).toEqual({ field: 'code', message: expect.any(String) });
  });

  it("draws the threshold the alert's rule compared", () => {
    expect(ruleThreshold(alert({ metadata: { thresholds: { chargedBatteries: 5 } } }))).toEqual({
      key: 'chargedBatteries',
      value: 5,
    });
    expect(
      ruleThreshold(alert({ alertType: 'CHARGER_DOWN', metadata: { thresholds: { uptimePercent: 90 } } })),
    ).toEqual({ key: 'chargerUptime', value: 90 });
    expect(ruleThreshold(alert({ alertType: 'FAULT_PATTERN', metadata: {} }))).toBeUndefined();
  });

  it('traces the triggering readings, then every audited step in time order with its ids', () => {
    const step = (actionType: string, timestamp: number, details = {}): AuditEvent => ({
      taskId: actionType,
      alertId: 'a',
      actionType,
      timestamp,
      userId: 'system',
      details,
      status: 'SUCCESS',
    });
    const trace = traceOf(alert({ metadata: { triggeringTimestamps: [T0 - 2, T0] } }), [
      step('SNS_NOTIFICATION_SENT', T0 + 3, { messageId: 'm-1' }),
      step('ALERT_CREATED', T0 + 1),
      step('STEP_FUNCTION_STARTED', T0 + 2, { executionArn: 'arn:x' }),
    ]);
    expect(trace.map((s) => s.key)).toEqual([
      'TRIGGERING_READINGS',
      'ALERT_CREATED',
      'STEP_FUNCTION_STARTED',
      'SNS_NOTIFICATION_SENT',
    ]);
    expect(trace[0]?.title).toBe('Triggering readings (2)');
    expect(trace[2]?.detail).toContain('executionArn arn:x');
    expect(trace[3]?.detail).toContain('messageId m-1');
  });
});

describe('localTime', () => {
  const at = Date.UTC(2026, 10, 27, 21, 18, 15);
  it('formats in the first usable locale, cutting a POSIX tag at its @', () => {
    expect(localTime(at, 'dateTime', ['en-US@posix'])).toBe(new Date(at).toLocaleString('en-US'));
    expect(localTime(at, 'time', ['de-DE'])).toBe(new Date(at).toLocaleTimeString('de-DE'));
  });
  it('falls back to English when no tag is usable, instead of throwing', () => {
    expect(() => new Date(at).toLocaleString('@posix')).toThrow(RangeError);
    expect(localTime(at, 'dateTime', ['@posix'])).toBe(new Date(at).toLocaleString('en'));
    expect(localTime(at, 'dateTime', ['not a tag!'])).toBe(new Date(at).toLocaleString('en'));
  });
});
