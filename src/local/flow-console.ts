import { clockTime, paint, severityText } from './present';

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

/** The kinds of step the flow shows; each has its tag and colour. */
export type FlowTag =
  | 'metrics'
  | 'alert'
  | 'raise'
  | 'merge'
  | 'resolve'
  | 'escalate'
  | 'suppressed'
  | 'decision'
  | 'dispatch'
  | 'workflow'
  | 'sns'
  | 'dead-letter'
  | 'error';

/** One step of the flow. Routine steps (metric batches, merged repeats) fold into a periodic summary. */
export interface FlowEntry {
  tag: FlowTag;
  text: string;
  routine?: { readings?: number; stations?: number; merged?: number };
}

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
const pad = (value: unknown, width: number): string => text(value).padEnd(width);

const SEVERITY_MARK: Record<string, string> = { LOW: '·', MEDIUM: '▲', HIGH: '▲▲', CRITICAL: '▲▲▲' };
const severity = (value: unknown): string =>
  severityText(text(value)) + ' '.repeat(Math.max(0, 8 - text(value).length));

const TAG_STYLE: Partial<Record<FlowTag, Parameters<typeof paint>[0]>> = {
  alert: 'red',
  raise: ['bold', 'red'],
  resolve: 'green',
  escalate: ['bold', 'magenta'],
  suppressed: 'dim',
  decision: 'cyan',
  dispatch: 'blue',
  workflow: 'green',
  sns: 'blue',
  'dead-letter': ['bold', 'red'],
  error: ['bold', 'red'],
  metrics: 'dim',
  merge: 'dim',
};

/** '<type> <station> <alertId>', the same columns on every alert line. */
const alertColumns = (line: LogLine): string =>
  `${pad(line.alertType, 14)} ${pad(line.stationId, 12)} ${text(line.alertId)}`;

/**
 * What each log message means in the flow, keyed by the handlers' log message. A new step (a new alert
 * status, a new workflow event) is one entry here; a message without an entry is not a step.
 */
export const FLOW_STEPS: Record<string, (line: LogLine) => FlowEntry | undefined> = {
  'metrics accepted': (line) => ({
    tag: 'metrics',
    text: `${text(line.accepted)} readings from ${text(line.stations)} station(s)`,
    routine: { readings: Number(line.accepted) || 0, stations: Number(line.stations) || 0 },
  }),
  'alert created': (line) => ({
    tag: 'alert',
    text: `${severity(line.severity)} ${alertColumns(line)} ${SEVERITY_MARK[text(line.severity)] ?? ''}`.trimEnd(),
  }),
  'alert deduplicated': (line) => ({
    tag: 'merge',
    text: `${text(line.alertId)} ${text(line.stationId)}: repeat merged (${text(line.occurrences)} occurrences)`,
    routine: { merged: 1 },
  }),
  'alert severity raised': (line) => ({
    tag: 'raise',
    text: `${text(line.previousSeverity ?? line.from)} → ${severity(line.severity)} ${alertColumns(line)} ${SEVERITY_MARK[text(line.severity)] ?? ''}`.trimEnd(),
  }),
  'alert resolved': (line) => ({
    tag: 'resolve',
    // The alert's status after the resolve: RESOLVED means nobody had decided it; a decision is kept.
    text: `${alertColumns(line)}${line.status ? ` (${line.status === 'RESOLVED' ? 'undecided' : text(line.status)})` : ''}: condition cleared`,
  }),
  'alert escalated': (line) => ({
    tag: 'escalate',
    text: `${severity(line.severity)} ${alertColumns(line)} level ${text(line.escalationLevel)}: undecided past its deadline`,
  }),
  'trigger suppressed': (line) => ({
    tag: 'suppressed',
    text: `${pad(line.alertType, 14)} ${pad(line.stationId, 12)} silenced${line.silenceId ? ` by ${text(line.silenceId)}` : ''}`,
  }),
  'silence added': (line) => ({
    tag: 'suppressed',
    text: `silence ${text(line.silenceId)} on ${text(line.stationId)} until ${new Date(Number(line.endsAt)).toISOString()} by ${text(line.actor)}`,
  }),
  'silence ended': (line) => ({
    tag: 'suppressed',
    text: `silence ${text(line.silenceId)} on ${text(line.stationId)} ended by ${text(line.actor)} (${text(line.matched)} suppressed)`,
  }),
  'alert approved': (line) => ({
    tag: 'decision',
    text: `APPROVED ${text(line.alertId)} by ${text(line.actor)}`,
  }),
  'alert rejected': (line) => ({
    tag: 'decision',
    text: `REJECTED ${text(line.alertId)} by ${text(line.actor)}`,
  }),
  'alert change dispatched': (line) => {
    const recorded = Array.isArray(line.recorded) ? line.recorded.map(String) : [];
    return recorded.length === 0
      ? undefined
      : { tag: 'dispatch', text: `${text(line.alertId)}: ${recorded.join(', ')}` };
  },
  'workflow outcome recorded': (line) => ({
    tag: 'workflow',
    text: `${text(line.status)} ${text(line.alertId)}${line.recorded === false ? ' (already recorded)' : ''}`,
  }),
  'stream records sent to the on-failure destination': (line) => ({
    tag: 'dead-letter',
    text: `${text(line.functionName)}: ${text(line.reason ?? line.condition)}`,
  }),
};

/** The ids a line concerns, as 'alertId=… stationId=… sequenceNumber=…'. */
export const idsOf = (line: LogLine): string =>
  ['alertId', 'stationId', 'sequenceNumber']
    .filter((k) => line[k] !== undefined)
    .map((k) => `${k}=${text(line[k])}`)
    .join(' ');

/** The flow step of a log line, or undefined when the line is not one (errors always are). */
export const flowEntryOf = (line: LogLine): FlowEntry | undefined => {
  const step = line.message === undefined ? undefined : FLOW_STEPS[line.message];
  if (step) return step(line);
  if (line.level === 'ERROR' || line.level === 'CRITICAL') {
    const error = line.error as { message?: unknown } | undefined;
    return { tag: 'error', text: `${text(line.message)} ${idsOf(line)} ${text(error?.message)}`.trim() };
  }
  return undefined;
};

const timeOf = (line: LogLine): number => {
  const at = Date.parse(text(line.timestamp));
  return Number.isNaN(at) ? Date.now() : at;
};

/** '17:24:41  alert      CRITICAL …': time of day (this machine's zone), tag, text. */
export const formatEntry = (at: number, entry: FlowEntry): string => {
  const style = TAG_STYLE[entry.tag];
  const tag = pad(entry.tag, 10);
  return `${clockTime(at)}  ${style ? paint(style, tag) : tag} ${entry.text}`;
};

/** The flow line for a log line, or undefined when the line is not a step of the flow. */
export const flowLineOf = (line: LogLine): string | undefined => {
  const entry = flowEntryOf(line);
  return entry && formatEntry(timeOf(line), entry);
};

export interface FlowPrinter {
  /** The lines to show now for this log line: none for a routine step, plus a summary when one is due. */
  render(line: LogLine): string | undefined;
  /** The summary of the routine steps since the last one, if any (a timer calls it every interval). */
  flush(): string | undefined;
}

/**
 * The console flow: every step that needs a person's eye (alerts, raises, resolves, escalations,
 * suppressed triggers, decisions, the workflow, errors) as it happens; routine metric batches and merged
 * repeats folded into one summary line every `summaryEveryMs`.
 */
export const createFlowPrinter = (
  options: { summaryEveryMs?: number; now?: () => number } = {},
): FlowPrinter => {
  const every = options.summaryEveryMs ?? 30_000;
  const now = options.now ?? Date.now;
  let since = now();
  let batches = 0;
  let readings = 0;
  let merged = 0;
  let maxStations = 0;
  const flush = (): string | undefined => {
    const at = now();
    const seconds = Math.round((at - since) / 1000);
    since = at;
    if (batches === 0 && merged === 0) return undefined;
    const parts = [
      `${readings} readings in ${batches} batch(es)${maxStations > 0 ? ` from up to ${maxStations} station(s)` : ''}`,
      ...(merged > 0 ? [`${merged} repeat(s) merged into open alerts`] : []),
    ];
    batches = 0;
    readings = 0;
    merged = 0;
    maxStations = 0;
    return formatEntry(at, { tag: 'metrics', text: `last ${seconds} s: ${parts.join(', ')}` });
  };
  return {
    render: (line) => {
      const entry = flowEntryOf(line);
      const due = now() - since >= every ? flush() : undefined;
      if (!entry) return due;
      if (entry.routine) {
        if (entry.tag === 'metrics') batches += 1;
        readings += entry.routine.readings ?? 0;
        merged += entry.routine.merged ?? 0;
        maxStations = Math.max(maxStations, entry.routine.stations ?? 0);
        return due;
      }
      const shown = formatEntry(timeOf(line), entry);
      return due ? `${due}\n${shown}` : shown;
    },
    flush,
  };
};
