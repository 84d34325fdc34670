/**
 * When to try a failed delivery again: exponential backoff with "equal jitter" — half the
 * exponential delay, plus a random part of the other half — so receivers that failed together
 * are not retried together, and a retry never comes sooner than half its step.
 */
export const RETRY_CAP_MS = 60 * 60 * 1000;

/** The delay before attempt `failed + 1`, after `failed` failed attempts (1, 2, …). */
export function retryDelayMs(failed: number, baseMs: number, random: () => number = Math.random): number {
  const step = Math.min(RETRY_CAP_MS, baseMs * 2 ** Math.max(0, failed - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
