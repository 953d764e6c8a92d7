import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { replayCommand } from '../../src/cli/commands/replay';
import { runProgram } from '../support/cli';
import { metric } from '../support/metric-factory';
import { streamEvent, streamRecord } from '../support/stream-records';
import { createTestTables } from '../support/tables';

const replay = (...args: string[]) =>
  runProgram(new Command('ai-ops').addCommand(replayCommand()), [
    'replay',
    '--stage',
    'test',
    '--json',
    ...args,
  ]);

interface ReplayReport {
  records: number;
  filteredOut: number;
  invocations: { records: number; response?: { batchItemFailures: unknown[] }; error?: string }[];
  deadLetters: unknown[];
  sideEffects: string[];
}

describe('ai-ops replay', () => {
  it('pushes recorded stream events through the real handler and prints each batch response', async () => {
    const { stdout, exitCode } = await replay('test/fixtures/streams', '--function', 'evaluateMetrics');
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout) as ReplayReport;
    expect(report.records).toBeGreaterThan(5);
    expect(report.filteredOut).toBe(0);
    expect(report.invocations.length).toBeGreaterThan(0);
    expect(report.invocations.reduce((n, i) => n + i.records, 0)).toBe(report.records);
    for (const invocation of report.invocations) expect(invocation.response?.batchItemFailures).toEqual([]);
    expect(report.deadLetters).toEqual([]);
  }, 90_000);

  it('applies the function’s filter patterns: REMOVE records never reach the dispatcher', async () => {
    const alert = {
      alertId: 'a1b2c3d4-0000-5000-8000-000000000001',
      stationId: 'REPLAY_2',
      alertType: 'CHARGER_DOWN',
      severity: 'CRITICAL',
      status: 'PENDING',
      title: 'Charger down',
      description: 'charger down',
      recommendedAction: 'Send a technician',
      createdAt: 1_790_000_000_000,
      updatedAt: 1_790_000_000_000,
      occurrences: 1,
      lastSeenAt: 1_790_000_000_000,
      metadata: {},
    };
    const file = join(mkdtempSync(join(tmpdir(), 'ai-ops-replay-')), 'alerts.json');
    writeFileSync(
      file,
      JSON.stringify(
        streamEvent([
          streamRecord('INSERT', { alertId: alert.alertId }, { newImage: alert }),
          streamRecord('REMOVE', { alertId: alert.alertId }, { oldImage: alert }),
        ]),
      ),
    );
    const { stdout, exitCode } = await replay(file, '--function', 'dispatchAlertChange');
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout) as ReplayReport;
    expect(report).toMatchObject({ records: 2, filteredOut: 1 });
    expect(report.invocations).toEqual([{ records: 1, response: { batchItemFailures: [] } }]);
  }, 90_000);

  it('reads a live stream from its start with --dry-run and says what the handler would do, writing nothing', async () => {
    const t = await createTestTables();
    const now = Date.now();
    const reading = (timestamp: number, chargedBatteries: number) =>
      metric({
        stationId: 'REPLAY_1',
        timestamp,
        chargerUptime: 99,
        chargedBatteries,
        unchargedBatteries: 10,
      });
    await t.doc.send(new PutCommand({ TableName: t.names.metrics, Item: reading(now - 20_000, 20) }));
    await t.doc.send(new PutCommand({ TableName: t.names.metrics, Item: reading(now - 10_000, 0) }));
    const streamArn =
      (await t.client.send(new DescribeTableCommand({ TableName: t.names.metrics }))).Table
        ?.LatestStreamArn ?? '';

    const { stdout, exitCode } = await replay(
      '--from-stream',
      streamArn,
      '--function',
      'evaluateMetrics',
      '--dry-run',
      '--dynamodb-endpoint',
      t.endpoint,
    );
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout) as { records: number; preview: { would: string[] }[] };
    expect(report.records).toBe(2);
    expect(report.preview[0]?.would).toEqual(['evaluate REPLAY_1: no rule fires']);
    expect(report.preview[1]?.would.join(' ')).toMatch(/raise LOW_INVENTORY CRITICAL for REPLAY_1/);
    const alerts = await t.doc.send(new ScanCommand({ TableName: t.names.alerts }));
    expect(alerts.Items ?? []).toEqual([]);
  }, 60_000);
});
