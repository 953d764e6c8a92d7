import { describe, expect, it } from 'vitest';
import type { UnitFigures } from '../../../src/cli/cost/measured';
import { costOf, STACK } from '../../../src/cli/cost/model';

// Round figures, so every expected value below can be worked out by hand.
const FIGURES: UnitFigures = {
  run: { benchmark: 'hand-worked', date: '-', commit: '-', settings: '-', machine: '-' },
  perMetric: {
    writeUnits: 1,
    readUnits: 0.2,
    logBytes: 1024,
    logLevel: 'INFO',
    functions: {
      ingestMetrics: { invocations: 1, billedMs: 10 },
      evaluateMetrics: { invocations: 0.01, billedMs: 2 },
    },
  },
  perAlert: {
    created: { writeUnits: 4, readUnits: 1 },
    dispatched: { writeUnits: 3, readUnits: 1 },
    decided: { writeUnits: 3, readUnits: 2 },
    logBytes: 0,
    functions: { decideAlert: { invocations: 1, billedMs: 100 } },
  },
  sweepBilledMs: 0,
  offline: { heartbeatWriteUnitsPerStationHour: 70, idleSweepReadUnits: 0.5 },
};

const lineOf = (report: ReturnType<typeof costOf>, item: string) => {
  const line = report.lines.find((l) => l.item.startsWith(item));
  if (!line) throw new Error(`no line ${item}`);
  return line;
};

describe('the cost model, by hand', () => {
  // 1,000 stations every 10 s: 1,000 x 2,628,000 s / 10 = 262,800,000 readings in a 730-hour month.
  const report = costOf({ stations: 1000, intervalS: 10, alertsPerDay: 24, region: 'us-east-1' }, FIGURES);

  it('counts readings and alerts over a 730-hour month', () => {
    expect(report.metricsPerMonth).toBe(262_800_000);
    // 24 a day x 730 / 24 days
    expect(report.alertsPerMonth).toBe(730);
  });

  it('prices DynamoDB request units as measured per reading and per alert', () => {
    // 262.8 M x 1 + 730 x (4 + 3 + 3) = 262,807,300 WRU at $0.625 per million
    expect(lineOf(report, 'write request units').quantity).toBe(262_807_300);
    expect(lineOf(report, 'write request units').usd).toBeCloseTo(164.2546, 3);
    // 262.8 M x 0.2 + 730 x 4 = 52,562,920 RRU at $0.125 per million
    expect(lineOf(report, 'read request units').usd).toBeCloseTo(6.5704, 3);
  });

  it('prices offline detection: heartbeats per reading, the sweep once a minute', () => {
    // 1,000 stations x 730 h x 70 = 51,100,000 WRU at $0.625 per million = $31.9375, whatever the cadence
    const heartbeats = lineOf(report, 'write request units, last-seen heartbeats');
    expect(heartbeats.quantity).toBeCloseTo(51_100_000, 6);
    expect(heartbeats.usd).toBeCloseTo(31.9375, 6);
    const fiveTimesAsOften = costOf(
      { stations: 1000, intervalS: 2, alertsPerDay: 24, region: 'us-east-1' },
      FIGURES,
    );
    expect(lineOf(fiveTimesAsOften, 'write request units, last-seen heartbeats').quantity).toBeCloseTo(
      51_100_000,
      6,
    );
    // 730 h x 60 sweeps x 0.5 RRU = 21,900 RRU at $0.125 per million
    const sweep = lineOf(report, "read request units, the sweep's DueIndex Query");
    expect(sweep.quantity).toBe(21_900);
    expect(sweep.usd).toBeCloseTo(0.0027375, 9);
  });

  it('prices Lambda per function: requests and GB-seconds at the configured memory', () => {
    expect(STACK.functionMemoryMb).toBe(512);
    // ingest: 262.8 M requests x $0.20/M = $52.56; 262.8 M x 10 ms = 2,628,000 s x 0.5 GB = 1,314,000 GB-s
    expect(lineOf(report, 'ingestMetrics requests').usd).toBeCloseTo(52.56, 6);
    expect(lineOf(report, 'ingestMetrics compute').quantity).toBeCloseTo(1_314_000, 6);
    expect(lineOf(report, 'ingestMetrics compute').usd).toBeCloseTo(1_314_000 * 0.0000133334, 6);
    // decide: 730 requests, 730 x 100 ms = 73 s x 0.5 GB = 36.5 GB-s
    expect(lineOf(report, 'decideAlert compute').quantity).toBeCloseTo(36.5, 6);
  });

  it('prices the rest from the configuration: workflow, notifications, requests, logs, fixed items', () => {
    // 730 approved alerts x 5 transitions = 3,650 at $0.025 per 1,000
    expect(lineOf(report, 'state transitions').usd).toBeCloseTo(0.09125, 6);
    // 730 x 2 publishes at $0.50 per million
    expect(lineOf(report, 'publishes').quantity).toBe(1460);
    // one request per reading: 262.8 M at $1.00 per million
    expect(lineOf(report, 'HTTP API requests').usd).toBeCloseTo(262.8, 6);
    // 262.8 M x 1 KB = 250.6 GB at $0.50
    expect(lineOf(report, 'logs ingestion').usd).toBeCloseTo((262_800_000 / 1024 / 1024) * 0.5, 6);
    expect(lineOf(report, 'dashboard').usd).toBe(3);
    expect(lineOf(report, 'alarms').usd).toBeCloseTo(1.7, 6);
    expect(lineOf(report, 'streams read by Lambda').usd).toBe(0);
  });

  it('totals every line, free tier not subtracted', () => {
    expect(report.freeTierSubtracted).toBe(false);
    expect(report.total).toBeCloseTo(
      report.lines.reduce((sum, l) => sum + l.usd, 0),
      9,
    );
  });

  it('grows linearly with the fleet for what scales with readings', () => {
    const twice = costOf({ stations: 2000, intervalS: 10, alertsPerDay: 24, region: 'us-east-1' }, FIGURES);
    expect(lineOf(twice, 'ingestMetrics requests').usd).toBeCloseTo(
      2 * lineOf(report, 'ingestMetrics requests').usd,
      6,
    );
    expect(lineOf(twice, 'dashboard').usd).toBe(3);
  });

  it('refuses a region it has no prices for', () => {
    expect(() => costOf({ stations: 1, intervalS: 5, alertsPerDay: 0, region: 'mars-1' }, FIGURES)).toThrow(
      /mars-1/,
    );
  });
});

describe('the worked example of docs/scale.md: 1,000 stations every 10 s, eu-west-1, measured figures', () => {
  // Re-measuring (src/cli/cost/measured.ts) changes these: update docs/scale.md with them.
  const report = costOf({ stations: 1000, intervalS: 10, alertsPerDay: 100, region: 'eu-west-1' });

  it.each([
    ['write request units', 185.81],
    ['read request units', 4.94],
    ['write request units, last-seen heartbeats', 35.59],
    ['storage', 20.5],
    ['point-in-time recovery', 16.41],
    ['ingestMetrics requests', 52.56],
    ['ingestMetrics compute', 569.34],
    ['evaluateMetrics requests', 2.35],
    ['evaluateMetrics compute', 59.18],
    ['state transitions', 0.38],
    ['HTTP API requests', 291.71],
    ['logs ingestion', 119.56],
    ['logs storage', 18.62],
    ['traces recorded', 81.14],
  ])('%s: $%s', (item, usd) => {
    expect(lineOf(report, item).usd).toBeCloseTo(usd, 2);
  });

  it('totals $1,475.34 a month', () => {
    expect(report.total).toBeCloseTo(1475.34, 2);
  });
});
