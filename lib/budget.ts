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
