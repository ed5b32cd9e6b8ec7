import type { Budget } from '../../lib/budget.js';

/** A request budget with plenty of time left, for use-case tests that do not test timeouts. */
export const ampleBudget = (remainingMs = 10_000): Budget => ({ remainingMs: () => remainingMs });
