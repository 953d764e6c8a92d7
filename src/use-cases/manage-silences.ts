import { z } from 'zod';
import { ALERT_TYPES } from '../domain/alert-vocabulary';
import { type FieldIssue, ValidationError } from '../domain/errors';
import { newSilenceId } from '../domain/ids';
import type { Clock, SilenceStore } from '../domain/ports';
import { MAX_SILENCE_MS, type Silence } from '../domain/silence';

export interface SilenceDeps {
  silences: SilenceStore;
  clock: Clock;
}

/** An instant: epoch ms, or an ISO 8601 date-time with its offset (what `--until` and browsers send). */
const instant = z.union(
  [z.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((iso) => Date.parse(iso))],
  { error: 'must be epoch milliseconds or an ISO 8601 date-time with offset' },
);

const newSilenceSchema = z.strictObject(
  {
    stationId: z
      .string({ error: 'is required and must be a string (a station id, or * for every station)' })
      .trim()
      .min(1, 'must not be empty')
      .max(128, 'must be at most 128 characters'),
    alertTypes: z
      .array(z.enum(ALERT_TYPES, { error: `must be one of ${ALERT_TYPES.join(', ')}` }), {
        error: 'must be a list of alert types',
      })
      .optional(),
    startsAt: instant.optional(),
    endsAt: instant,
    reason: z
      .string({ error: 'is required and must be a string' })
      .trim()
      .min(1, 'must not be empty')
      .max(1000, 'must be at most 1000 characters'),
  },
  // createdBy and the counters are the service's: a body that sets them is refused, not half-used.
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'is not a field of a silence' : undefined) },
);

const invalid = (issues: FieldIssue[]): ValidationError =>
  new ValidationError(`invalid silence: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);

/**
 * POST /silences: a new silence as `actor` (the token's subject). Bad input is a ValidationError naming
 * each field (400) and writes nothing: endsAt in the past or not after startsAt, longer than 30 days,
 * an unknown alert type, no reason, unknown fields.
 */
export const addSilence = async (body: unknown, actor: string, deps: SilenceDeps): Promise<Silence> => {
  const parsed = newSilenceSchema.safeParse(body ?? {});
  if (!parsed.success) {
    throw invalid(
      parsed.error.issues.flatMap((issue) =>
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({ path: key, message: issue.message }))
          : [{ path: issue.path.map(String).join('.') || '(body)', message: issue.message }],
      ),
    );
  }
  const now = deps.clock.now();
  const { stationId, alertTypes, endsAt, reason } = parsed.data;
  const startsAt = parsed.data.startsAt ?? now;
  const issues: FieldIssue[] = [];
  if (endsAt <= now) issues.push({ path: 'endsAt', message: 'must be in the future' });
  else if (endsAt <= startsAt) issues.push({ path: 'endsAt', message: 'must be after startsAt' });
  else if (endsAt - startsAt > MAX_SILENCE_MS)
    issues.push({ path: 'endsAt', message: 'must be at most 30 days after startsAt' });
  if (issues.length > 0) throw invalid(issues);
  const silence: Silence = {
    silenceId: newSilenceId(),
    stationId,
    alertTypes: [...new Set(alertTypes ?? [])],
    startsAt,
    endsAt,
    reason,
    createdBy: actor,
    createdAt: now,
    matched: 0,
  };
  await deps.silences.create(silence);
  return silence;
};

/** GET /silences: the silences in force now or later, ending soonest first. */
export const listSilences = async (deps: SilenceDeps): Promise<{ items: Silence[] }> => ({
  items: await deps.silences.endingAfter(deps.clock.now()),
});

/** DELETE /silences/{silenceId}: ends the silence now, as `actor`; SilenceNotFoundError (404) otherwise. */
export const endSilence = (silenceId: string, actor: string, deps: SilenceDeps): Promise<Silence> =>
  deps.silences.end(silenceId, actor, deps.clock.now());
