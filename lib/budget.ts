/**
 * Every call must finish inside the Lambda's remaining time (invariant 15): a hanging
 * dependency yields a 503, never a Lambda timeout. Each outgoing call gets a timeout
 * derived from what is left, minus a reserve for writing the audit record and answering.
 */
import { dependencyUnavailable } from './errors.js';

export interface Budget {
  remainingMs(): number;
}

/** Time kept back for the work after a call: the outcome record and the response. */
export const RESERVE_MS = 250;
/** Kept back by the last write of a request (the outcome record): only the answer is left. */
export const ANSWER_RESERVE_MS = 50;

export const budgetFromDeadline = (deadlineMs: number, now: () => number = Date.now): Budget => ({
  remainingMs: () => deadlineMs - now(),
});

/** Timeout for one call: at most `capMs`, never past the budget; throws when nothing is left. */
export function callTimeoutMs(
  budget: Budget,
  capMs: number,
  dependency: string,
  reserveMs = RESERVE_MS,
): number {
  const available = budget.remainingMs() - reserveMs;
  if (available <= 0) throw dependencyUnavailable(dependency, 'no time left in the request budget');
  return Math.min(capMs, available);
}

/**
 * Runs `call` with a signal that aborts after `timeoutMs`, for the reason AbortSignal.timeout
 * gives (a DOMException named TimeoutError). Unlike AbortSignal.timeout, the timer is
 * cleared as soon as the call settles: left running, each of an issuance's calls would
 * build an exception and dispatch an abort event seconds after its answer, for nothing.
 * Unref'd like AbortSignal.timeout's, so it never holds a process open by itself.
 */
export async function withTimeout<T>(
  timeoutMs: number,
  call: (abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    timeoutMs,
  );
  timer.unref();
  try {
    return await call(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** What one outgoing call is, for its timeout and for the 503 when it fails. */
export interface CallLimits {
  /** Named in the 503 and the log: 'audit', 'sts', 'rate limit'. */
  dependency: string;
  /** What was attempted, e.g. `Query byDay` (internal detail, never shown to the caller). */
  operation: string;
  /** Upper bound of the call's timeout. */
  capMs: number;
  reserveMs?: number;
}

/**
 * One call to a dependency inside the request budget: aborted when its time is up; any
 * failure becomes 503 dependency_unavailable naming the operation and the error's name only
 * (an SDK message can carry ARNs of other accounts). Errors `keep` accepts pass through.
 */
export async function callWithinBudget<T>(
  budget: Budget,
  limits: CallLimits,
  call: (abortSignal: AbortSignal) => Promise<T>,
  keep: (error: unknown) => boolean = () => false,
): Promise<T> {
  const timeoutMs = callTimeoutMs(budget, limits.capMs, limits.dependency, limits.reserveMs);
  try {
    return await withTimeout(timeoutMs, call);
  } catch (error) {
    if (keep(error)) throw error;
    throw dependencyUnavailable(limits.dependency, `${limits.operation}: ${errorName(error)}`, error);
  }
}

export const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'unknown error');
