import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogLine } from './flow-console';

export interface LogTap {
  restore(): void;
}

/**
 * Captures what the handlers write to stdout and stderr (Powertools' JSON log lines and EMF metric lines, exactly
 * as in Lambda), appends every line to `file` for `ai-ops logs`, and shows only what `render` makes of
 * it. Lines that are not JSON pass through untouched.
 */
export const tapOutput = (
  file: string,
  render: (line: LogLine) => string | undefined,
  echoRaw = false,
): LogTap => {
  mkdirSync(dirname(file), { recursive: true });
  // One file write per turn of the event loop rather than per line or per chunk (one reading per request
  // means an EMF line or more per request); both streams share the buffer, so the file keeps their order.
  let buffered = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (buffered === '') return;
    const text = buffered;
    buffered = '';
    appendFileSync(file, text);
  };
  const append = (text: string): void => {
    buffered += text;
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  // Powertools writes INFO and below to stdout, WARN and ERROR to stderr (Node's console): tap both.
  const taps = [
    tapStream(process.stdout, append, render, echoRaw),
    tapStream(process.stderr, append, render, echoRaw),
  ];
  return {
    restore: () => {
      for (const t of taps) t.restore();
      flush();
    },
  };
};

const tapStream = (
  stream: NodeJS.WriteStream,
  append: (text: string) => void,
  render: (line: LogLine) => string | undefined,
  echoRaw: boolean,
): LogTap => {
  const original = stream.write.bind(stream);
  let pending = '';
  const handle = (chunk: string): void => {
    pending += chunk;
    let newline = pending.indexOf('\n');
    if (newline < 0) return;
    let toFile = '';
    while (newline >= 0) {
      const raw = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
      let parsed: unknown;
      try {
        parsed = raw.startsWith('{') ? JSON.parse(raw) : undefined;
      } catch {
        parsed = undefined;
      }
      if (parsed === undefined || typeof parsed !== 'object' || parsed === null) {
        original(`${raw}\n`);
        continue;
      }
      toFile += `${raw}\n`;
      if (echoRaw) original(`${raw}\n`);
      const shown = render(parsed as LogLine);
      if (shown !== undefined) original(`${shown}\n`);
    }
    if (toFile !== '') append(toFile);
  };
  // The type of write is overloaded; the tap only needs the chunk and passes the rest through.
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    handle(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof stream.write;
  return {
    restore: () => {
      stream.write = original;
    },
  };
};
