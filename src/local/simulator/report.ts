import type { SimulationSummary } from './summary';

/** What the run was asked to do, printed with the results so a run can be repeated (seed included). */
export interface SimulationSettings {
  url: string;
  stations: number;
  seed: number;
  incidents: boolean;
  intervalMs: number;
  durationMs: number;
}

export type SimulationReport = SimulationSettings & SimulationSummary;

/** The human summary of `ai-ops simulate`. */
export const formatReport = (report: SimulationReport): string => {
  const errors = Object.entries(report.errorsByStatus)
    .map(([status, count]) => `${status} x${count}`)
    .join(', ');
  const lines = [
    `Simulated ${report.stations} station(s) against ${report.url} for ${(report.elapsedMs / 1000).toFixed(1)}s ` +
      `(seed ${report.seed}, incidents ${report.incidents ? 'on' : 'off'}, every ${report.intervalMs} ms)`,
    `  ticks:    ${report.ticks}${report.skippedTicks > 0 ? ` (${report.skippedTicks} skipped: sends ran late)` : ''}`,
    `  metrics:  ${report.metricsSent} sent, ${report.metricsFailed} failed (${report.metricsPerSecond}/s)`,
    `  requests: ${report.requestsOk} ok, ${report.requestsFailed} failed${errors ? ` (${errors})` : ''}`,
  ];
  if (report.lastError !== undefined) lines.push(`  last error: ${report.lastError}`);
  return lines.join('\n');
};
