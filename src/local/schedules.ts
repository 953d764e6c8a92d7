import type { ServiceDefinition } from './service-definition';

/** A function the deployed stack runs on an EventBridge schedule, as the local runtime runs it. */
export interface LocalSchedule {
  functionName: string;
  everyMs: number;
  /** The expression as serverless.yml states it, for messages. */
  expression: string;
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** `rate(1 minute)`, `rate(5 minutes)`, `rate(2 hours)`; cron expressions are not run locally. */
export const rateMs = (expression: string): number | undefined => {
  const match = /^rate\((\d+)\s+(minute|hour|day)s?\)$/.exec(expression.trim());
  if (!match) return undefined;
  const [, count = '0', unit = 'minute'] = match;
  const ms = Number(count) * (UNIT_MS[unit] ?? 0);
  return ms > 0 ? ms : undefined;
};

/** Every `schedule` event of serverless.yml (the string form or `{ rate }`), with its period. */
export const schedulesOf = (definition: ServiceDefinition): LocalSchedule[] =>
  Object.entries(definition.functions).flatMap(([functionName, fn]) =>
    (fn.events ?? []).flatMap((event) => {
      const schedule = event.schedule;
      const rates =
        typeof schedule === 'string'
          ? [schedule]
          : typeof schedule === 'object' && schedule !== null
            ? [(schedule as { rate?: unknown }).rate].flat()
            : [];
      return rates.flatMap((expression) => {
        const everyMs = typeof expression === 'string' ? rateMs(expression) : undefined;
        if (everyMs === undefined) {
          throw new Error(
            `${functionName}: schedule ${JSON.stringify(expression)} is not a rate() the local runtime can run`,
          );
        }
        return [{ functionName, everyMs, expression: String(expression) }];
      });
    }),
  );

/** The event EventBridge Scheduler hands a scheduled Lambda ("Scheduled Event"). */
export const scheduledEvent = (functionName: string, at: number) => ({
  version: '0',
  id: `local-${functionName}-${at}`,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: new Date(at).toISOString(),
  region: 'local',
  resources: [`arn:aws:events:local:000000000000:rule/${functionName}`],
  detail: {},
});

/**
 * Runs each schedule's function every period, as EventBridge does (the first run one period after the
 * start). A run that fails is logged and the next one comes as planned: EventBridge does the same after
 * its retries. Returns a stop function.
 */
export const startSchedules = (
  schedules: readonly LocalSchedule[],
  invoke: (functionName: string, event: unknown) => Promise<unknown>,
  onError: (functionName: string, error: unknown) => void,
): (() => Promise<void>) => {
  const running = new Set<Promise<unknown>>();
  const timers = schedules.map((schedule) =>
    setInterval(() => {
      const run = invoke(schedule.functionName, scheduledEvent(schedule.functionName, Date.now()))
        .catch((error: unknown) => onError(schedule.functionName, error))
        .finally(() => running.delete(run));
      running.add(run);
    }, schedule.everyMs),
  );
  return async () => {
    for (const timer of timers) clearInterval(timer);
    await Promise.allSettled([...running]);
  };
};
