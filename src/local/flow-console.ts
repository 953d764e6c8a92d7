/**
 * The live flow of the local runtime, one readable line per step, rendered from the handlers' own
 * structured log lines (the same JSON Powertools writes in Lambda), so there is no second logging path.
 */
export interface LogLine {
  level?: string;
  message?: string;
  timestamp?: string;
  [key: string]: unknown;
}

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
const pad = (value: unknown, width: number): string => text(value).padEnd(width);

const SEVERITY_MARK: Record<string, string> = { LOW: '·', MEDIUM: '▲', HIGH: '▲▲', CRITICAL: '▲▲▲' };

/** The flow line for a log line, or undefined when the line is not a step of the flow. */
export const flowLineOf = (line: LogLine): string | undefined => {
  const time = text(line.timestamp).slice(11, 19) || new Date().toISOString().slice(11, 19);
  const at = (tag: string, rest: string) => `${time}  ${pad(tag, 10)} ${rest}`;
  switch (line.message) {
    case 'metrics accepted':
      return at('metrics', `${text(line.accepted)} readings from ${text(line.stations)} station(s)`);
    case 'alert created':
      return at(
        'alert',
        `${pad(line.severity, 8)} ${pad(line.alertType, 14)} ${pad(line.stationId, 12)} ${text(line.alertId)} ${SEVERITY_MARK[text(line.severity)] ?? ''}`,
      );
    case 'alert approved':
    case 'alert rejected':
      return at(
        'decision',
        `${line.message === 'alert approved' ? 'APPROVED' : 'REJECTED'} ${text(line.alertId)} by ${text(line.actor)}`,
      );
    case 'alert change dispatched': {
      const recorded = Array.isArray(line.recorded) ? line.recorded.map(String) : [];
      if (recorded.length === 0) return undefined;
      return at('dispatch', `${text(line.alertId)}: ${recorded.join(', ')}`);
    }
    case 'workflow outcome recorded':
      return at(
        'workflow',
        `${text(line.status)} ${text(line.alertId)}${line.recorded === false ? ' (already recorded)' : ''}`,
      );
    case 'stream records sent to the on-failure destination':
      return at('dead-letter', `${text(line.functionName)}: ${text(line.reason ?? line.condition)}`);
    default:
      if (line.level === 'ERROR' || line.level === 'CRITICAL') {
        const ids = ['alertId', 'stationId', 'sequenceNumber']
          .filter((k) => line[k] !== undefined)
          .map((k) => `${k}=${text(line[k])}`);
        const error = line.error as { message?: unknown } | undefined;
        return at('error', `${text(line.message)} ${ids.join(' ')} ${text(error?.message)}`.trim());
      }
      return undefined;
  }
};
