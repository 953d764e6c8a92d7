const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * A run length as typed on the command line: '60s', '5m', '1h', '500ms', or a bare number of seconds
 * ('90'). Throws RangeError for anything else, zero or negative.
 */
export const parseDuration = (text: string): number => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  const amount = match?.[1];
  if (amount === undefined) {
    throw new RangeError(`'${text}' is not a duration: use e.g. 60s, 5m, 1h or a number of seconds`);
  }
  const unit = (match?.[2]?.toLowerCase() ?? 's') as keyof typeof UNIT_MS;
  const ms = Math.round(Number(amount) * UNIT_MS[unit]);
  if (ms <= 0) throw new RangeError(`duration must be positive, got '${text}'`);
  return ms;
};
