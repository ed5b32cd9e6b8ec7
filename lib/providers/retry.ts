/**
 * Bounded retries with full jitter that never outlive the request's budget (invariants 13
 * and 15): each attempt gets a timeout cut to what is left of the budget minus a safety
 * margin, and no attempt starts (nor a back-off sleep) that could not finish in time.
 * Full jitter (sleep = random × min(cap, base × 2^n)) keeps many Lambdas that were throttled
 * together from retrying in lock-step against the shared STS quota.
 */
import type { Budget } from '../budget.js';

export interface Attempt {
  /** 1-based. */
  number: number;
  /** This attempt must give up (abort) after this many milliseconds. */
  timeoutMs: number;
}

export interface RetryOptions {
  maxAttempts: number;
  /** Upper bound of a single attempt, before the budget cuts it further. */
  requestTimeoutMs: number;
  /** Decides whether a failure is worth another attempt; others are rethrown at once. */
  isRetryable: (error: unknown) => boolean;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Kept free at the end of the budget, for the audit write and the response. */
  safetyMarginMs?: number;
  /** An attempt with less time than this is not worth starting. */
  minAttemptMs?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type ExhaustionReason = 'attempts' | 'budget';

/** Thrown when retryable failures used up the attempts or the budget. */
export class RetriesExhausted extends Error {
  constructor(
    readonly reason: ExhaustionReason,
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(
      `gave up after ${attempts} attempt(s): ${reason === 'budget' ? 'time budget spent' : 'no attempts left'}`,
    );
    this.name = 'RetriesExhausted';
  }
}

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full-jitter back-off before attempt `number + 1`. */
export function backoffDelayMs(number: number, base: number, cap: number, random: () => number): number {
  return Math.floor(random() * Math.min(cap, base * 2 ** (number - 1)));
}

export async function withRetries<T>(
  run: (attempt: Attempt) => Promise<T>,
  budget: Budget,
  options: RetryOptions,
): Promise<T> {
  const {
    maxAttempts,
    requestTimeoutMs,
    isRetryable,
    baseDelayMs = 100,
    maxDelayMs = 2_000,
    safetyMarginMs = 250,
    minAttemptMs = 50,
    random = Math.random,
    sleep = defaultSleep,
  } = options;
  const usable = () => budget.remainingMs() - safetyMarginMs;
  let lastError: unknown;
  for (let number = 1; number <= Math.max(1, maxAttempts); number += 1) {
    const timeoutMs = Math.min(requestTimeoutMs, usable());
    if (timeoutMs < minAttemptMs) throw new RetriesExhausted('budget', number - 1, lastError);
    try {
      return await run({ number, timeoutMs });
    } catch (error) {
      if (!isRetryable(error)) throw error;
      lastError = error;
    }
    if (number >= maxAttempts) break;
    const delayMs = backoffDelayMs(number, baseDelayMs, maxDelayMs, random);
    // Sleeping into a budget that leaves no room for the next attempt only delays the 503.
    if (usable() - delayMs < minAttemptMs) throw new RetriesExhausted('budget', number, lastError);
    await sleep(delayMs);
  }
  throw new RetriesExhausted('attempts', Math.max(1, maxAttempts), lastError);
}
