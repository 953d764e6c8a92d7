import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { logsCommand } from '../../../src/cli/commands/logs';
import { linesOf, runProgram } from '../../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'ai-ops-logs-'));
const lines = [
  {
    level: 'INFO',
    message: 'alert created',
    timestamp: '2026-01-01T10:00:01.000Z',
    alertId: 'A1',
    stationId: 'S1',
    alertType: 'LOW_INVENTORY',
    severity: 'HIGH',
    function_name: 'ai-ops-local-evaluateMetrics',
  },
  {
    level: 'INFO',
    message: 'alert created',
    timestamp: '2026-01-01T10:00:02.000Z',
    alertId: 'B2',
    stationId: 'S2',
    alertType: 'CHARGER_DOWN',
    severity: 'CRITICAL',
  },
  { _aws: { Timestamp: 1, CloudWatchMetrics: [] }, AlertsCreated: 1 },
  {
    level: 'INFO',
    message: 'alert approved',
    timestamp: '2026-01-01T10:00:03.000Z',
    alertId: 'A1',
    actor: 'ops',
    function_name: 'ai-ops-local-decideAlert',
  },
  {
    level: 'INFO',
    message: 'alert change dispatched',
    timestamp: '2026-01-01T10:00:04.000Z',
    alertId: 'A1',
    recorded: ['ALERT_APPROVED', 'STEP_FUNCTION_STARTED'],
  },
];
writeFileSync(join(dir, 'logs.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\nnot json\n`);

const logs = (...args: string[]) =>
  runProgram(new Command('ai-ops').addCommand(logsCommand()), ['logs', '--data', dir, ...args]);

describe('ai-ops logs', () => {
  it('shows the flow, without metric lines', async () => {
    const { stdout, exitCode } = await logs();
    expect(exitCode).toBe(0);
    const shown = linesOf(stdout);
    expect(shown).toHaveLength(4);
    expect(shown[0]).toMatch(/^10:00:01 {2}alert +HIGH +LOW_INVENTORY +S1 +A1/);
    expect(shown[2]).toMatch(/decision +APPROVED A1 by ops/);
    expect(stdout).not.toContain('AlertsCreated');
  });

  it('follows one alert across functions by its id alone', async () => {
    const { stdout } = await logs('--alert', 'A1');
    const shown = linesOf(stdout);
    expect(shown).toHaveLength(3);
    expect(shown.every((l) => l.includes('A1'))).toBe(true);
    expect(stdout).not.toContain('B2');
  });

  it('prints the JSON lines as written with --raw', async () => {
    const { stdout } = await logs('--alert', 'A1', '--raw');
    expect(linesOf(stdout).map((l) => JSON.parse(l).message)).toEqual([
      'alert created',
      'alert approved',
      'alert change dispatched',
    ]);
  });

  it('says where to start when there are no logs yet', async () => {
    await expect(
      runProgram(new Command('ai-ops').addCommand(logsCommand()), ['logs', '--data', join(dir, 'missing')]),
    ).rejects.toThrow(/start the local runtime first/);
  });
});
