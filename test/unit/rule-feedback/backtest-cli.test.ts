import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePeriod } from '../../../src/cli/backtest/period';
import { CliError } from '../../../src/cli/errors';
import { program } from '../../../src/cli/program';
import { runProgram } from '../../support/cli';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 27, 12);

const backtest = (...args: string[]) =>
  // An endpoint nobody listens on: these runs must fail before reading anything.
  runProgram(program(), ['backtest', '--dynamodb-endpoint', 'http://127.0.0.1:9', ...args]);

describe('ai-ops backtest: bad input is a usage error (exit 2) naming what is wrong', () => {
  it('names the unknown key of a thresholds file with the override schema’s own message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'backtest-'));
    const file = join(dir, 'thresholds.json');
    await writeFile(file, '{"lowInventory":{"chargedBatterys":4}}');
    const run = await backtest('--thresholds', file);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('lowInventory.chargedBatterys is not a known threshold');
  });

  it('names a bad value given inline, and JSON that does not parse', async () => {
    const negative = await backtest('--thresholds', '{"chargerDown":{"uptimePercent":120}}');
    expect(negative.exitCode).toBe(2);
    expect(negative.stderr).toContain('chargerDown.uptimePercent must be at most 100');
    const broken = await backtest('--thresholds', '{"windowMs": ');
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toContain('not valid JSON');
  });

  it('names --from when it is after --to, or older than the 30-day retention', async () => {
    const reversed = await backtest('--thresholds', '{}', '--from', '2026-11-20', '--to', '2026-11-10');
    expect(reversed.exitCode).toBe(2);
    expect(reversed.stderr).toMatch(/--from .* is after --to/);
    const ancient = await backtest('--thresholds', '{}', '--from', '2020-01-01');
    expect(ancient.exitCode).toBe(2);
    expect(ancient.stderr).toMatch(/--from .*30-day retention/);
  });
});

describe('parsePeriod', () => {
  it('defaults to the retention: 30 days back from now', () => {
    expect(parsePeriod({}, NOW)).toEqual({ from: NOW - 30 * DAY, to: NOW });
  });

  it('takes ISO dates and times, and refuses what is not one, naming the flag', () => {
    expect(parsePeriod({ from: '2026-11-20', to: '2026-11-21T06:00Z' }, NOW)).toEqual({
      from: Date.UTC(2026, 10, 20),
      to: Date.UTC(2026, 10, 21, 6),
    });
    expect(() => parsePeriod({ to: 'yesterday' }, NOW)).toThrow(CliError);
    expect(() => parsePeriod({ to: 'yesterday' }, NOW)).toThrow(/--to yesterday/);
  });
});
