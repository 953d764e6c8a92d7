import { z } from 'zod';
import { ALERT_TYPES, type AlertType } from './alert-vocabulary';

/**
 * A silence (maintenance window): while it is in force, a trigger of a station it covers opens no alert,
 * starts nothing and notifies nobody (docs/rules.md, "Silences"). A silence covers a trigger by the
 * trigger's event time, so a replayed trigger is silenced exactly as it was live.
 */

/** The stationId of a silence that covers every station. */
export const EVERY_STATION = '*';
/** The longest a silence may last: a forgotten maintenance window must not hide a station for good. */
export const MAX_SILENCE_MS = 30 * 24 * 60 * 60 * 1000;

export const silenceSchema = z.object({
  silenceId: z.string().min(1),
  /** A station id, or `*` for every station. */
  stationId: z.string().min(1),
  /** The alert types it silences; empty: every type. */
  alertTypes: z.array(z.enum(ALERT_TYPES)),
  /** Epoch ms, inclusive. */
  startsAt: z.number(),
  /** Epoch ms, exclusive; DELETE moves it to the time of the deletion. */
  endsAt: z.number(),
  reason: z.string(),
  /** The token's subject, never the request body. */
  createdBy: z.string(),
  createdAt: z.number(),
  /** Triggers it suppressed (a redelivered stream batch counts again: a gauge, nothing decides on it). */
  matched: z.number(),
  /** Event time of the newest trigger it suppressed. */
  lastMatchedAt: z.number().optional(),
  /** Who ended it early (DELETE /silences/{silenceId}), and when. */
  endedBy: z.string().optional(),
  endedAt: z.number().optional(),
});

export type Silence = z.infer<typeof silenceSchema>;

/** What a silence is matched against: a rule's trigger (or a silent station's). */
export interface Trigger {
  stationId: string;
  alertType: AlertType;
  /** Event time, epoch ms. */
  triggeredAt: number;
}

/** True when `silence` covers `trigger`: its station (or `*`), its types (or all), its time. */
export const silences = (silence: Silence, trigger: Trigger): boolean =>
  (silence.stationId === EVERY_STATION || silence.stationId === trigger.stationId) &&
  (silence.alertTypes.length === 0 || silence.alertTypes.includes(trigger.alertType)) &&
  silence.startsAt <= trigger.triggeredAt &&
  trigger.triggeredAt < silence.endsAt;

/**
 * The silence that suppresses `trigger`, if any: of several, the one that lasts longest (then the
 * smallest id), so the same trigger is always counted on the same silence.
 */
export const silenceFor = (all: readonly Silence[], trigger: Trigger): Silence | undefined => {
  let found: Silence | undefined;
  for (const silence of all) {
    if (!silences(silence, trigger)) continue;
    if (
      !found ||
      silence.endsAt > found.endsAt ||
      (silence.endsAt === found.endsAt && silence.silenceId < found.silenceId)
    )
      found = silence;
  }
  return found;
};

/** In force at `now` or later (GET /silences lists these). */
export const isActiveOrFuture = (silence: Pick<Silence, 'endsAt'>, now: number): boolean =>
  silence.endsAt > now;
