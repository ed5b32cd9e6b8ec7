/**
 * The one retry engine, for the broker's calls to STS and for clients' calls to the
 * broker: bounded attempts with full jitter that never outlive a time budget. Each
 * attempt gets a timeout cut to what is left of the budget minus a safety margin, and no
 * attempt starts (nor a back-off sleep) that could not finish in time. Full jitter
 * (sleep = random × min(cap, base × 2^n)) keeps many callers that were throttled together
 * from retrying in lock-step against a shared quota. A failure may name its own delay
 * (a server's Retry-After): it is honoured, and one longer than the cap ends the retries.
 */
import type { Budget } from './budget.js';

export interface Attempt {
  /** 1-based. */
  number: number;
  /** This attempt must give up (abort) after this many milliseconds. */
  timeoutMs: number;
}

export interface RetryNotice {
  /** The attempt that failed (1-based); the next one is `failedAttempt + 1`. */
  failedAttempt: number;
  maxAttempts: number;
  delayMs: number;
  error: unknown;
}

export interface RetryOptions {
  maxAttempts: number;
  /** Upper bound of a single attempt, before the budget cuts it further. */
  requestTimeoutMs: number;
  /** Decides whether a failure is worth another attempt; others are rethrown at once. */
  isRetryable: (error: unknown) => boolean;
  /** The wait a failure asks for itself (e.g. Retry-After), in ms; undefined: back off. */
  requestedDelayMs?: (error: unknown) => number | undefined;
  baseDelayMs?: number;
  /** Longest single wait; a requested delay beyond it ends the retries. */
  maxDelayMs?: number;
  /** Kept free at the end of the budget, for the audit write and the response. */
  safetyMarginMs?: number;
  /** An attempt with less time than this is not worth starting. */
  minAttemptMs?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told before each wait (e.g. to announce it on stderr). */
  onRetry?: (notice: RetryNotice) => void;
}

export type ExhaustionReason = 'attempts' | 'budget' | 'delay';

const EXHAUSTION_TEXT: Record<ExhaustionReason, string> = {
  attempts: 'no attempts left',
  budget: 'time budget spent',
  delay: 'the requested wait is longer than allowed',
};

/** Thrown when retryable failures used up the attempts or the budget. */
export class RetriesExhausted extends Error {
  constructor(
    readonly reason: ExhaustionReason,
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(`gave up after ${attempts} attempt(s): ${EXHAUSTION_TEXT[reason]}`);
    this.name = 'RetriesExhausted';
  }
}

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A budget that never runs out: for callers bounded by attempts and per-attempt timeouts only. */
export const UNBOUNDED_BUDGET: Budget = { remainingMs: () => Number.POSITIVE_INFINITY };

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
    requestedDelayMs = () => undefined,
    baseDelayMs = 100,
    maxDelayMs = 2_000,
    safetyMarginMs = 250,
    minAttemptMs = 50,
    random = Math.random,
    sleep = defaultSleep,
    onRetry,
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
    const requested = requestedDelayMs(lastError);
    if (requested !== undefined && requested > maxDelayMs)
      throw new RetriesExhausted('delay', number, lastError);
    const delayMs = requested ?? backoffDelayMs(number, baseDelayMs, maxDelayMs, random);
    // Sleeping into a budget that leaves no room for the next attempt only delays the 503.
    if (usable() - delayMs < minAttemptMs) throw new RetriesExhausted('budget', number, lastError);
    onRetry?.({ failedAttempt: number, maxAttempts, delayMs, error: lastError });
    await sleep(delayMs);
  }
  throw new RetriesExhausted('attempts', Math.max(1, maxAttempts), lastError);
}
