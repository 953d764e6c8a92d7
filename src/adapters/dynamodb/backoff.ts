/** Waits `ms` milliseconds; injectable so tests exercise retry paths without waiting. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: Sleep;
  /** A number in [0, 1); injectable for deterministic tests. */
  random: () => number;
}

/**
 * Exponential backoff with full jitter: concurrent writers that failed together spread out instead of
 * retrying in lockstep (and conflicting again).
 */
export const backoffDelay = (policy: RetryPolicy, attempt: number): number =>
  Math.floor(policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));

/** A policy from a store's own defaults, overridden field by field by its caller (tests inject `sleep`). */
export const retryPolicy = (
  overrides: Partial<RetryPolicy> = {},
  defaults: Partial<RetryPolicy> = {},
): RetryPolicy => ({
  maxAttempts: 8,
  baseDelayMs: 25,
  maxDelayMs: 1000,
  sleep: realSleep,
  random: Math.random,
  ...defaults,
  ...overrides,
});
