/**
 * When and how long to wait before repeating a Stytch call. The loop itself lives in client.ts; we
 * write it ourselves rather than use undici's RetryAgent because it needs deadline-aware waits (never
 * sleep past the invocation), per-call policies (rotate_start may only be repeated when it provably
 * did not take effect) and one log line per attempt, none of which RetryAgent exposes.
 */
import type { Clock } from '../clock.ts';

/** Tuning of the retry loop. */
export interface RetryOptions {
  /** Attempts per call, the first included. @default 4 */
  readonly maxAttempts?: number;
  /** The backoff before the first retry, doubled for each further one. @default 200 */
  readonly baseDelayMs?: number;
  /** The cap of the exponential backoff. @default 5000 */
  readonly maxDelayMs?: number;
  /** A Retry-After longer than this fails the call at once instead of waiting. @default 20000 */
  readonly maxRetryAfterMs?: number;
  /** An attempt is not started with less time than this left before the deadline. @default 1000 */
  readonly minAttemptMs?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  const resolved = {
    maxAttempts: options.maxAttempts ?? 4,
    baseDelayMs: options.baseDelayMs ?? 200,
    maxDelayMs: options.maxDelayMs ?? 5000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 20_000,
    minAttemptMs: options.minAttemptMs ?? 1000,
  };
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts must be an integer >= 1, got ${resolved.maxAttempts}`);
  }
  for (const key of ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs', 'minAttemptMs'] as const) {
    if (!(resolved[key] >= 0))
      throw new RangeError(`retry.${key} must be >= 0, got ${resolved[key]}`);
  }
  return resolved;
}

/**
 * Which failures a call may repeat after.
 * - `repeatable`: the call is safe to send twice (get, token): retry 429, 5xx, timeouts and network
 *   errors.
 * - `unless-applied`: a repeat could act on a state the first attempt already changed (rotate_start
 *   starts a second rotation; rotate and rotate_cancel act on whatever next secret exists by then):
 *   retry only what provably had no effect, a 429 and a request that never left (refused, connect
 *   timeout, DNS). The caller re-reads Stytch's state before deciding to repeat.
 */
export type RetryPolicy = 'repeatable' | 'unless-applied';

/** What one failed attempt looked like, as far as the policy cares. */
export type FailedAttempt =
  | { readonly kind: 'status'; readonly status: number }
  | {
      readonly kind: 'transport';
      readonly requestMayHaveArrived: boolean;
      readonly deadline: boolean;
    }
  /** An answer we could not read; whether it is worth repeating follows from its status. */
  | { readonly kind: 'unreadable'; readonly status: number };

/** Whether the policy allows another attempt after this failure (time permitting). */
export function mayRetry(policy: RetryPolicy, failed: FailedAttempt): boolean {
  if (failed.kind === 'transport') {
    if (failed.deadline) return false;
    return policy === 'repeatable' || !failed.requestMayHaveArrived;
  }
  if (failed.status === 429) return true;
  return policy === 'repeatable' && isServerError(failed.status);
}

/** True for the statuses that mean "try again later": 429 and 5xx. */
export function isTransientStatus(status: number): boolean {
  return status === 429 || isServerError(status);
}

function isServerError(status: number): boolean {
  return status >= 500 && status <= 599;
}

/** Full-jitter backoff: uniform in [0, min(max, base * 2^(retry-1))]. `retry` counts from 1. */
export function backoffMs(retry: number, options: ResolvedRetryOptions, random: () => number) {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * A Retry-After header as milliseconds from now: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * `undefined` when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(header: string | string[] | undefined, now: Date) {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP-date always names a day or month; this keeps Date.parse from reading "-1" as a year.
  const at = /[a-z]{3}/i.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/**
 * The deadline for Stytch calls in this invocation: now plus the invocation's remaining time
 * (`context.getRemainingTimeInMillis()`) minus a safety margin for logging and storing results.
 */
export function deadlineFrom(remainingMs: number, safetyMarginMs: number, clock: Clock): number {
  return clock.now().getTime() + remainingMs - safetyMarginMs;
}
