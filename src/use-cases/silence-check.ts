import type { Clock, SilenceStore } from '../domain/ports';
import { type Silence, silenceFor, type Trigger } from '../domain/silence';

/**
 * How far back (wall clock) a silence that has ended still covers its triggers: as old as a record the
 * evaluator may still be handed (its event source gives up on records older than an hour), so a
 * redelivered batch is silenced as it was the first time.
 */
export const SILENCE_HORIZON_MS = 3_600_000;

/**
 * The evaluator's view of the silences: one Query for the silences in force, shared by every trigger of
 * a batch (and of the next batches, for `cacheMs`). Read only when a rule fires, so a quiet batch reads
 * nothing; each suppressed trigger is counted on its silence with one update.
 */
export class SilenceCheck {
  private cached: { at: number; silences: Promise<Silence[]> } | undefined;

  constructor(
    private readonly store: SilenceStore,
    private readonly clock: Clock,
    /** How long one read of the silences serves: a new or ended silence takes effect within this. */
    private readonly cacheMs = 10_000,
    private readonly horizonMs = SILENCE_HORIZON_MS,
  ) {}

  private inForce(): Promise<Silence[]> {
    const now = this.clock.now();
    if (this.cached && now - this.cached.at < this.cacheMs) return this.cached.silences;
    // The promise is shared, so the stations of one batch evaluated in parallel make one Query.
    const silences = this.store.endingAfter(now - this.horizonMs);
    const entry = { at: now, silences };
    this.cached = entry;
    silences.catch(() => {
      // A failed read is not remembered: the next trigger reads again (the failure reaches its caller).
      if (this.cached === entry) this.cached = undefined;
    });
    return silences;
  }

  /** The silence that suppresses `trigger`, counted on it; undefined when none does. */
  async suppressing(trigger: Trigger): Promise<Silence | undefined> {
    const silence = silenceFor(await this.inForce(), trigger);
    if (silence) await this.store.countMatch(silence.silenceId, trigger.triggeredAt);
    return silence;
  }
}
