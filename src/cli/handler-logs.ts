/**
 * What the handlers log while `replay` runs them, read instead of shown: their JSON lines (Powertools, as
 * in Lambda) say which alerts were raised, merged or resolved, and which records failed and why. A failing
 * record becomes one line with its sequence number; the stack traces and the rest show with --verbose.
 */
export interface HandlerError {
  sequenceNumber?: string;
  message: string;
  /** The error's name and message, and the ids the line carries (alertId, stationId). */
  detail: string;
}

export interface HandlerLogSummary {
  raised: number;
  merged: number;
  resolved: number;
  errors: HandlerError[];
}

export interface HandlerLogCapture {
  /** Stops reading; what was read. */
  stop(): HandlerLogSummary;
}

type LogLine = Record<string, unknown>;

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

const errorOf = (line: LogLine): HandlerError => {
  const error = (line.error ?? {}) as { name?: unknown; message?: unknown };
  const ids = ['alertId', 'stationId']
    .filter((k) => line[k] !== undefined)
    .map((k) => `${k}=${text(line[k])}`);
  return {
    ...(line.sequenceNumber === undefined ? {} : { sequenceNumber: text(line.sequenceNumber) }),
    message: text(line.message),
    detail: [[text(error.name), text(error.message)].filter(Boolean).join(': '), ...ids].join(' ').trim(),
  };
};

/** 'seq 4900000000000000001: stream record failed: ResourceNotFoundException: … stationId=S1'. */
export const formatHandlerError = (error: HandlerError): string =>
  `${error.sequenceNumber ? `seq ${error.sequenceNumber}` : 'no sequence number'}: ${error.message}${error.detail ? `: ${error.detail}` : ''}`;

/**
 * Reads the JSON lines written to stdout and stderr (function workers' output is piped through them)
 * until stop(). `onError` gets each handler error as it comes; with `echo` (--verbose) every line shows too.
 */
export const captureHandlerLogs = (options: {
  onError?: (error: HandlerError) => void;
  /** Also show every JSON line, as written (on stderr). */
  echo?: boolean;
}): HandlerLogCapture => {
  const stderr = process.stderr.write.bind(process.stderr);
  const summary: HandlerLogSummary = { raised: 0, merged: 0, resolved: 0, errors: [] };
  const consume = (line: LogLine): void => {
    switch (line.message) {
      case 'alert created':
        summary.raised += 1;
        return;
      case 'alert deduplicated':
        summary.merged += 1;
        return;
      case 'alert resolved':
        summary.resolved += 1;
        return;
    }
    if (line.level === 'ERROR' || line.level === 'CRITICAL') {
      const error = errorOf(line);
      summary.errors.push(error);
      options.onError?.(error);
    }
  };
  const restores = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write;
    let pending = '';
    // Overloaded signature: the capture needs only the chunk, and passes non-JSON output through as is.
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      let newline = pending.indexOf('\n');
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
        if (typeof parsed === 'object' && parsed !== null) {
          consume(parsed as LogLine);
          if (options.echo) stderr(`${raw}\n`);
        } else original.call(stream, `${raw}\n`);
      }
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
    return () => {
      if (pending !== '') original.call(stream, pending);
      stream.write = original;
    };
  });
  return {
    stop: () => {
      for (const restore of restores) restore();
      return summary;
    },
  };
};
