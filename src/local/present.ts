import { stripVTControlCharacters, styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/**
 * Colour only for a person at a terminal that has it: never into a pipe or a file, never with NO_COLOR
 * (https://no-color.org) or --no-color (which main.ts turns into NO_COLOR). tty's hasColors() also
 * honours FORCE_COLOR and TERM=dumb.
 */
export const colorOn = (stream: NodeJS.WriteStream = process.stdout): boolean =>
  !process.env.NO_COLOR && stream.isTTY === true && stream.hasColors?.() === true;

/** `text` in `style` when the stream shows colour, else as is. */
export const paint = (style: Style, text: string, stream: NodeJS.WriteStream = process.stdout): string =>
  colorOn(stream) ? styleText(style, text, { validateStream: false }) : text;

const SEVERITY_STYLE: Record<string, Style> = {
  LOW: 'dim',
  MEDIUM: 'yellow',
  HIGH: ['bold', 'yellow'],
  CRITICAL: ['bold', 'red'],
};
const STATUS_STYLE: Record<string, Style> = {
  PENDING: 'yellow',
  APPROVED: 'green',
  REJECTED: 'magenta',
  RESOLVED: 'dim',
  SUCCESS: 'green',
  FAILED: 'red',
  SUCCEEDED: 'green',
};

export const severityText = (severity: string): string => {
  const style = SEVERITY_STYLE[severity];
  return style ? paint(style, severity) : severity;
};

export const statusText = (status: string): string => {
  const style = STATUS_STYLE[status];
  return style ? paint(style, status) : status;
};

/** Visible width: ANSI colour codes take no room. */
const width = (cell: string): number => stripVTControlCharacters(cell).length;

/** Columns padded to their widest cell, header dimmed; the last column is not padded. */
export const renderTable = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => width(row[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - width(cell))))
      .join('  ')
      .trimEnd();
  return [paint('bold', line(header)), ...rows.map(line)].join('\n');
};

const parts = new Intl.DateTimeFormat('en-CA', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

const partsOf = (epochMs: number): Record<string, string> =>
  Object.fromEntries(parts.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));

/** '2026-11-27 17:24:41 CET': this machine's time zone, named, so nobody has to guess it is UTC. */
export const localTime = (epochMs: number | undefined): string => {
  if (epochMs === undefined || !Number.isFinite(epochMs)) return '-';
  const p = partsOf(epochMs);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
};

/** '17:24:41': the time of day in this machine's zone (the flow's header names the zone once). */
export const clockTime = (epochMs: number): string => {
  const p = partsOf(epochMs);
  return `${p.hour}:${p.minute}:${p.second}`;
};

/** 'CET', 'UTC', 'GMT+1': this machine's zone now. */
export const zoneName = (): string => partsOf(Date.now()).timeZoneName ?? 'local time';
