import { describe, expect, it } from 'vitest';
import { createFlowPrinter, FLOW_STEPS, flowLineOf, type LogLine } from '../../../src/local/flow-console';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, seconds)).toISOString();
const metrics = (seconds: number, accepted: number): LogLine => ({
  level: 'INFO',
  message: 'metrics accepted',
  timestamp: at(seconds),
  accepted,
  stations: 5,
});

describe('the console flow', () => {
  it('folds routine metric batches and merged repeats into one summary line per interval', () => {
    let now = Date.UTC(2026, 0, 1, 10, 0, 0);
    const printer = createFlowPrinter({ summaryEveryMs: 30_000, now: () => now });
    const shown: string[] = [];
    const show = (line: LogLine) => {
      const out = printer.render(line);
      if (out) shown.push(...out.split('\n'));
    };
    for (let s = 0; s < 30; s += 5) {
      now = Date.UTC(2026, 0, 1, 10, 0, s);
      show(metrics(s, 5));
    }
    show({ level: 'INFO', message: 'alert deduplicated', alertId: 'A1', stationId: 'S1', occurrences: 2 });
    expect(shown).toEqual([]);
    now = Date.UTC(2026, 0, 1, 10, 0, 31);
    show({
      level: 'INFO',
      message: 'alert created',
      timestamp: at(31),
      alertId: 'A2',
      stationId: 'S2',
      alertType: 'CHARGER_DOWN',
      severity: 'CRITICAL',
    });
    expect(shown).toHaveLength(2);
    expect(shown[0]).toBe(
      '10:00:31  metrics    last 31 s: 30 readings in 6 batch(es) from up to 5 station(s), 1 repeat(s) merged into open alerts',
    );
    expect(shown[1]).toMatch(/^10:00:31 {2}alert +CRITICAL +CHARGER_DOWN +S2 +A2 ▲▲▲$/);
    // Nothing routine since: no empty summary.
    now += 60_000;
    expect(printer.flush()).toBeUndefined();
  });

  it('shows raises, resolves, escalations and suppressed triggers, each on its own line', () => {
    const base = {
      level: 'INFO',
      timestamp: at(1),
      alertId: 'A1',
      stationId: 'S1',
      alertType: 'LOW_INVENTORY',
    };
    expect(
      flowLineOf({
        ...base,
        message: 'alert severity raised',
        previousSeverity: 'HIGH',
        severity: 'CRITICAL',
      }),
    ).toMatch(/^10:00:01 {2}raise +HIGH → CRITICAL +LOW_INVENTORY +S1 +A1/);
    expect(flowLineOf({ ...base, message: 'alert resolved' })).toMatch(
      /^10:00:01 {2}resolve +LOW_INVENTORY +S1 +A1: condition cleared/,
    );
    expect(flowLineOf({ ...base, message: 'alert resolved', status: 'RESOLVED' })).toMatch(
      /A1 \(undecided\): condition cleared$/,
    );
    expect(flowLineOf({ ...base, message: 'alert resolved', status: 'REJECTED' })).toMatch(
      /A1 \(REJECTED\): condition cleared$/,
    );
    expect(flowLineOf({ ...base, message: 'alert escalated', severity: 'HIGH', escalationLevel: 1 })).toMatch(
      /^10:00:01 {2}escalate +HIGH +LOW_INVENTORY +S1 +A1 level 1/,
    );
    expect(flowLineOf({ ...base, message: 'trigger suppressed', silenceId: 'maint-1' })).toMatch(
      /^10:00:01 {2}suppressed +LOW_INVENTORY +S1 +silenced by maint-1/,
    );
    // Each step the flow knows is keyed by the handler's log message.
    expect(Object.keys(FLOW_STEPS)).toEqual(
      expect.arrayContaining([
        'alert severity raised',
        'alert resolved',
        'alert escalated',
        'trigger suppressed',
      ]),
    );
  });

  it('shows an error with the ids it concerns, and nothing for lines that are not steps', () => {
    expect(
      flowLineOf({
        level: 'ERROR',
        message: 'stream record failed',
        timestamp: at(2),
        sequenceNumber: '42',
        stationId: 'S9',
        error: { message: 'boom' },
      }),
    ).toBe('10:00:02  error      stream record failed stationId=S9 sequenceNumber=42 boom');
    expect(flowLineOf({ level: 'INFO', message: 'remediation planned' })).toBeUndefined();
  });
});
