import { describe, expect, it } from 'vitest';
import { loadServiceDefinition, type ServiceDefinition } from '../../../src/local/service-definition';
import { eventSourceMappingsOf } from '../../../src/local/stream-poller';

const definitionWith = (stream: unknown, extraEvents: Record<string, unknown>[] = []): ServiceDefinition => ({
  service: 'svc',
  stage: 'test',
  provider: {},
  functions: {
    consumer: { handler: 'handlers/consumer.handler', events: [...extraEvents, { stream }] },
  },
  resources: { Resources: {} },
});

const metricsStream = { 'Fn::GetAtt': ['MetricsTable', 'StreamArn'] };

describe('eventSourceMappingsOf', () => {
  it('reads the stream events of serverless.yml with every setting', async () => {
    const definition = await loadServiceDefinition('test');
    const mappings = eventSourceMappingsOf(definition);
    expect(mappings).toEqual([
      {
        functionName: 'evaluateMetrics',
        handler: 'handlers/evaluate-metrics.handler',
        tableLogicalId: 'MetricsTable',
        enabled: true,
        settings: {
          batchSize: 100,
          batchWindowSeconds: 0,
          startingPosition: 'LATEST',
          bisectBatchOnFunctionError: true,
          maximumRetryAttempts: 5,
          maximumRecordAgeInSeconds: 3600,
          reportBatchItemFailures: true,
          filterPatterns: [],
          onFailureArn: 'EvaluateMetricsDeadLetterQueue',
          tumblingWindowSeconds: 900,
        },
      },
      {
        functionName: 'dispatchAlertChange',
        handler: 'handlers/dispatch-alert-change.handler',
        tableLogicalId: 'AlertsTable',
        enabled: true,
        settings: {
          batchSize: 25,
          batchWindowSeconds: 1,
          startingPosition: 'LATEST',
          bisectBatchOnFunctionError: true,
          maximumRetryAttempts: 5,
          maximumRecordAgeInSeconds: 3600,
          reportBatchItemFailures: true,
          filterPatterns: [{ eventName: ['INSERT', 'MODIFY'] }],
          onFailureArn: 'DispatchAlertChangeDeadLetterQueue',
          tumblingWindowSeconds: 0,
        },
      },
    ]);
  });

  it("applies Lambda's defaults and the framework's TRIM_HORIZON when settings are left out", () => {
    const [mapping] = eventSourceMappingsOf(definitionWith({ type: 'dynamodb', arn: metricsStream }));
    expect(mapping?.settings).toEqual({
      batchSize: 100,
      batchWindowSeconds: 0,
      startingPosition: 'TRIM_HORIZON',
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeInSeconds: -1,
      reportBatchItemFailures: false,
      filterPatterns: [],
      onFailureArn: undefined,
      tumblingWindowSeconds: 0,
    });
  });

  it('accepts the GetAtt string form and a literal destination ARN, and skips other event types', () => {
    const mappings = eventSourceMappingsOf(
      definitionWith(
        {
          type: 'dynamodb',
          arn: { 'Fn::GetAtt': 'AlertsTable.StreamArn' },
          destinations: { onFailure: 'arn:aws:sqs:eu-west-1:123456789012:dlq' },
          enabled: false,
        },
        [
          { httpApi: { method: 'GET', path: '/' } },
          { stream: { type: 'kinesis', arn: 'arn:aws:kinesis:x' } },
        ],
      ),
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]).toMatchObject({
      tableLogicalId: 'AlertsTable',
      enabled: false,
      settings: { onFailureArn: 'arn:aws:sqs:eu-west-1:123456789012:dlq' },
    });
  });

  it.each([
    [{ batchSize: 0 }, 'batchSize'],
    [{ batchSize: 10_001 }, 'batchSize'],
    [{ batchWindow: 301 }, 'batchWindow'],
    [{ startingPosition: 'AT_TIMESTAMP' }, 'startingPosition'],
    [{ maximumRetryAttempts: -2 }, 'maximumRetryAttempts'],
    [{ maximumRecordAgeInSeconds: 30 }, 'must be -1 or between 60 and 604800'],
    [{ functionResponseType: 'Something' }, 'functionResponseType'],
    [{ tumblingWindow: 60 }, 'tumblingWindow'],
    [{ tumblingWindowInSeconds: 901 }, 'tumblingWindowInSeconds'],
    [{ tumblingWindowInSeconds: -1 }, 'tumblingWindowInSeconds'],
    [{ tumblingWindowInSeconds: 1.5 }, 'tumblingWindowInSeconds'],
    [{ tumblingWindowInSeconds: 60, parallelizationFactor: 2 }, 'needs parallelizationFactor 1'],
    [{ filterPatterns: [{ eventName: 'INSERT' }] }, 'leaves must be arrays of rules'],
    [{ filterPatterns: [{ eventName: [{ wildcard: 'IN*' }] }] }, "unsupported operator 'wildcard'"],
    [{ arn: { 'Fn::GetAtt': ['MetricsTable', 'Arn'] } }, 'needs arn: !GetAtt <Table>.StreamArn'],
    [{ batchSize: '100' }, 'batchSize'],
  ])('rejects %j with a message naming the problem', (override, message) => {
    const stream = { type: 'dynamodb', arn: metricsStream, ...override };
    expect(() => eventSourceMappingsOf(definitionWith(stream))).toThrow(message);
    expect(() => eventSourceMappingsOf(definitionWith(stream))).toThrow(
      'functions.consumer.events[0].stream',
    );
  });

  it('reads tumblingWindowInSeconds (0 turns tumbling windows off)', () => {
    const read = (tumblingWindowInSeconds: number) =>
      eventSourceMappingsOf(
        definitionWith({ type: 'dynamodb', arn: metricsStream, tumblingWindowInSeconds }),
      )[0]?.settings.tumblingWindowSeconds;
    expect(read(120)).toBe(120);
    expect(read(900)).toBe(900);
    expect(read(0)).toBe(0);
  });

  it('rejects a literal stream ARN, which cannot be matched to a local table', () => {
    expect(() =>
      eventSourceMappingsOf(
        definitionWith('arn:aws:dynamodb:eu-west-1:1:table/t/stream/2024-01-01T00:00:00.000'),
      ),
    ).toThrow('use arn: !GetAtt <Table>.StreamArn');
  });
});
