import { describe, expect, it } from 'vitest';
import { ConfigError, FUNCTION_SETTINGS, parseSettings } from '../../src/config';

describe('per-function settings', () => {
  it('a function requires exactly what its schema names, and the error names the variable', () => {
    expect(() => parseSettings('dispatchAlertChange', { ALERTS_TABLE: 'ai-ops-alerts-dev' })).toThrow(
      /dispatchAlertChange.*AUDIT_TABLE.*IDEMPOTENCY_TABLE.*STATE_MACHINE_ARN.*ALERTS_TOPIC_ARN/s,
    );
    expect(() => parseSettings('ingestMetrics', {})).toThrow(ConfigError);
    expect(() => parseSettings('ingestMetrics', {})).toThrow(/METRICS_TABLE/);
    // Nothing it does not use is required of it.
    expect(parseSettings('ingestMetrics', { METRICS_TABLE: 'ai-ops-metrics-dev' })).toMatchObject({
      METRICS_TABLE: 'ai-ops-metrics-dev',
      AWS_REGION: 'eu-west-1',
      STAGE: 'dev',
    });
  });

  it('parses and defaults typed values', () => {
    const s = parseSettings('evaluateMetrics', {
      METRICS_TABLE: 'm-table',
      ALERTS_TABLE: 'a-table',
      STATION_HISTORY_MAX_READINGS: '10',
      DYNAMODB_ENDPOINT: '',
    });
    expect(s.STATION_HISTORY_MAX_READINGS).toBe(10);
    expect(s.DYNAMODB_ENDPOINT).toBeUndefined();
    expect(() =>
      parseSettings('evaluateMetrics', {
        METRICS_TABLE: 'm-table',
        ALERTS_TABLE: 'a-table',
        LOG_LEVEL: 'LOUD',
      }),
    ).toThrow(/LOG_LEVEL/);
  });

  it('has a schema for every function of serverless.yml', () => {
    expect(Object.keys(FUNCTION_SETTINGS).sort()).toEqual(
      [
        'decideAlert',
        'dispatchAlertChange',
        'evaluateMetrics',
        'ingestMetrics',
        'planRemediation',
        'queryAlerts',
        'queryStationMetrics',
        'recordWorkflowOutcome',
        'sweepAlerts',
      ].sort(),
    );
  });
});
