/** The services whose SDK calls `--faults` can fail, as the functions reach them. */
export const FAULT_SERVICES = ['dynamodb', 'sfn', 'sns'] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];

/** How an injected fault looks to the SDK: each is one the SDK's standard retry mode retries. */
export const FAULT_KINDS = ['throttling', '5xx', 'timeout'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The share (0..1) of each service's requests that fail; a service not named never fails. */
export type FaultRates = Partial<Record<FaultService, number>>;

export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

/**
 * Parses `dynamodb=0.2,sfn=0.2,sns=0.2`: each service at most once, each rate a number from 0 to 1.
 * Errors name the part that is wrong, so the CLI can say it with the flag's name.
 */
export const parseFaultSpec = (spec: string): FaultRates => {
  const rates: FaultRates = {};
  const parts = spec.split(',').map((p) => p.trim());
  if (parts.every((p) => p === '')) throw new FaultSpecError('is empty (expected e.g. dynamodb=0.2,sfn=0.2)');
  for (const part of parts) {
    const [name, value, ...extra] = part.split('=');
    if (!name || value === undefined || extra.length > 0)
      throw new FaultSpecError(`"${part}" is not service=rate (e.g. dynamodb=0.2)`);
    if (!(FAULT_SERVICES as readonly string[]).includes(name))
      throw new FaultSpecError(`"${name}" is not one of ${FAULT_SERVICES.join(', ')}`);
    const service = name as FaultService;
    if (rates[service] !== undefined) throw new FaultSpecError(`${service} is given twice`);
    const rate = value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(rate) || rate < 0 || rate > 1)
      throw new FaultSpecError(`${service}=${value}: the rate must be a number from 0 to 1`);
    rates[service] = rate;
  }
  return rates;
};

/** `dynamodb 20%, sfn 20%, sns 20%` for the banner; undefined when nothing fails. */
export const describeFaults = (rates: FaultRates): string | undefined => {
  const named = FAULT_SERVICES.filter((s) => (rates[s] ?? 0) > 0);
  if (named.length === 0) return undefined;
  const percent = (rate: number) => `${Math.round(rate * 1000) / 10}%`;
  return `${named.map((s) => `${s} ${percent(rates[s] ?? 0)}`).join(', ')} of requests (${FAULT_KINDS.join(', ')})`;
};
