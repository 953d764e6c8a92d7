import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlowMetric } from '../../../src/observability/flow-metrics';
import { type Captured, captureOutput, type EmfLine } from './capture';
import { loadObservability } from './load';

const {
  countAlert,
  countDecision,
  countNotificationsSent,
  countReadings,
  countRecords,
  countWorkflow,
  emitFlowMetric,
  FLOW_METRICS,
  metrics,
  recordDecisionLatency,
} = await loadObservability();

// The defaults, asserted literally: they are what the dashboard and the alarms query.
const namespace = 'AiOps';
const serviceName = 'ai-ops';

let out: Captured;
beforeEach(() => {
  metrics.clearMetrics();
  out = captureOutput();
});
afterEach(() => out.restore());

/** The single EMF line written so far, reduced to what CloudWatch makes of it. */
const onlyMetric = (): { line: EmfLine; names: string[]; units: string[]; dimensions: string[][] } => {
  const emf = out.emf();
  expect(emf).toHaveLength(1);
  const line = emf[0] as EmfLine;
  const [directive] = line._aws.CloudWatchMetrics;
  expect(directive?.Namespace).toBe(namespace);
  return {
    line,
    names: directive?.Metrics.map((m) => m.Name) ?? [],
    units: directive?.Metrics.map((m) => m.Unit) ?? [],
    dimensions: directive?.Dimensions ?? [],
  };
};

describe('the FlowMetric catalogue', () => {
  it('names exactly the flow metrics the dashboard and the runbook use', () => {
    expect([...FLOW_METRICS].sort()).toEqual(
      [
        'MetricsReceived',
        'MetricsRejected',
        'RecordsProcessed',
        'RecordsSkipped',
        'RecordsFailed',
        'StationsRead',
        'WindowStateUnissued',
        'AlertsCreated',
        'AlertsDeduplicated',
        'AlertsApproved',
        'AlertsRejected',
        'WorkflowsStarted',
        'WorkflowsSucceeded',
        'WorkflowsFailed',
        'NotificationsSent',
        'DecisionLatency',
      ].sort(),
    );
  });

  it.each(FLOW_METRICS)(
    '%s is buffered, then published with its unit and only the service dimension',
    (name) => {
      emitFlowMetric(name, 3);
      expect(out.emf()).toHaveLength(0);
      metrics.publishStoredMetrics();

      const { line, names, units, dimensions } = onlyMetric();
      expect(names).toEqual([name]);
      expect(units).toEqual([name === 'DecisionLatency' ? 'Milliseconds' : 'Count']);
      expect(dimensions).toEqual([['service']]);
      expect(line.service).toBe(serviceName);
      expect(line[name]).toBe(3);
    },
  );
});

describe('countAlert', () => {
  it.each([
    ['Created', 'AlertsCreated'],
    ['Deduplicated', 'AlertsDeduplicated'],
  ] as const)('%s goes out at once with AlertType and Severity', (kind, metricName) => {
    countAlert(kind, 'LOW_INVENTORY', 'HIGH');

    const { line, names, units, dimensions } = onlyMetric();
    expect(names).toEqual([metricName]);
    expect(units).toEqual(['Count']);
    expect(dimensions).toEqual([['service', 'AlertType', 'Severity']]);
    expect(line).toMatchObject({ AlertType: 'LOW_INVENTORY', Severity: 'HIGH', [metricName]: 1 });
  });

  it('does not lend its dimensions to the metrics flushed later in the invocation', () => {
    countAlert('Created', 'CHARGER_DOWN', 'CRITICAL');
    countDecision('Approved');
    metrics.publishStoredMetrics();

    const [, later] = out.emf();
    expect(later?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
    expect(later).not.toHaveProperty('AlertType');
    expect(later).not.toHaveProperty('Severity');
  });
});

describe('countRecords', () => {
  it.each([
    ['Processed', 'RecordsProcessed'],
    ['Skipped', 'RecordsSkipped'],
    ['Failed', 'RecordsFailed'],
  ] as const)('%s carries the Function dimension', (kind, metricName) => {
    countRecords('evaluateMetrics', kind, 7);

    const { line, names, dimensions } = onlyMetric();
    expect(names).toEqual([metricName]);
    expect(dimensions).toEqual([['service', 'Function']]);
    expect(line).toMatchObject({ Function: 'evaluateMetrics', [metricName]: 7 });
  });
});

describe('the buffered helpers', () => {
  const published = (): Record<string, unknown> => {
    metrics.publishStoredMetrics();
    return onlyMetric().line;
  };

  it.each([
    ['MetricsReceived', 5, () => countReadings('Received', 5)],
    ['MetricsRejected', 2, () => countReadings('Rejected', 2)],
    ['AlertsApproved', 1, () => countDecision('Approved')],
    ['AlertsRejected', 1, () => countDecision('Rejected')],
    ['WorkflowsStarted', 1, () => countWorkflow('Started')],
    ['WorkflowsSucceeded', 1, () => countWorkflow('Succeeded')],
    ['WorkflowsFailed', 1, () => countWorkflow('Failed')],
    ['NotificationsSent', 1, () => countNotificationsSent()],
    ['NotificationsSent', 4, () => countNotificationsSent(4)],
  ] as [FlowMetric, number, () => void][])('emits %s = %d', (metricName, value, emit) => {
    emit();
    expect(published()).toMatchObject({ [metricName]: value });
  });

  it('recordDecisionLatency is in milliseconds', () => {
    recordDecisionLatency(1_500);
    metrics.publishStoredMetrics();
    const { line, names, units } = onlyMetric();
    expect(names).toEqual(['DecisionLatency']);
    expect(units).toEqual(['Milliseconds']);
    expect(line.DecisionLatency).toBe(1_500);
  });
});

describe('bad values and empty flushes', () => {
  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])(
    'drops %d with a warning instead of throwing',
    (value) => {
      expect(() => recordDecisionLatency(value)).not.toThrow();
      metrics.publishStoredMetrics();
      expect(out.emf()).toHaveLength(0);
      expect(out.logs()).toEqual([
        expect.objectContaining({ level: 'WARN', metricName: 'DecisionLatency', value: String(value) }),
      ]);
    },
  );

  it('publishes nothing, says nothing at INFO and does not throw when nothing was counted', () => {
    expect(() => metrics.publishStoredMetrics()).not.toThrow();
    expect(out.raw()).toBe('');
  });
});
