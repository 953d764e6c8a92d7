import { describe, expect, it } from 'vitest';
import { logLineOf } from '../../../src/cli/commands/logs';

describe('ai-ops logs lines', () => {
  it('name the alert, the station and the function on every line, steps and the rest alike', () => {
    expect(
      logLineOf({
        level: 'INFO',
        message: 'alert deduplicated',
        timestamp: '2026-01-01T10:00:05.000Z',
        alertId: 'A1',
        stationId: 'S1',
        occurrences: 3,
        function_name: 'ai-ops-local-evaluateMetrics',
      }),
    ).toBe('10:00:05  merge      A1 S1: repeat merged (3 occurrences)  evaluateMetrics');
    expect(
      logLineOf({
        level: 'WARN',
        message: 'slow query',
        timestamp: '2026-01-01T10:00:06.000Z',
        stationId: 'S2',
        sequenceNumber: '77',
        function_name: 'ai-ops-local-evaluateMetrics',
      }),
    ).toBe('10:00:06  WARN      evaluateMetrics        slow query  stationId=S2 sequenceNumber=77');
  });
});
