/**
 * Counter leases: tokens of a budget this instance has already counted in DynamoDB and not
 * yet used, per caller, budget and window. A request that finds one takes it with no I/O.
 *
 * Every method is synchronous: between reading the tokens left and taking one there is no
 * `await`, so two requests of one caller racing in one instance cannot both take the last
 * token. Tokens a request leased are added to what is there when its UpdateItem answers
 * (never set over it), so two leases taken side by side are both used, each token once.
 */
import { MAX_ENTRIES, makeExpiringMap } from './expiring-map.js';

/**
 * A lease is at most 1/50 of the budget (2 %): the tokens an instance holds when it stops
 * serving a caller are counted and never used, so each instance strands at most 2 % of a
 * budget per window. Budgets under 100 a minute (the defaults: 60, 120, 60) get leases of
 * one token: every request updates its counter.
 */
export const LEASE_DIVISOR = 50;

export const leaseSizeFor = (limitPerMinute: number) =>
  Math.max(1, Math.floor(limitPerMinute / LEASE_DIVISOR));

interface Lease {
  windowEnd: number;
  /** Counted in DynamoDB, not yet used. */
  tokens: number;
  /** A full lease no longer fit under the limit in this window: take single tokens. */
  full: boolean;
}

export interface LeaseWindow {
  callerKey: string;
  budgetName: string;
  windowStart: number;
  windowEnd: number;
}

export interface CounterLeases {
  /** Takes one leased token of this caller, budget and window; false when none is left. */
  take(window: LeaseWindow, nowMs: number): boolean;
  /** How many tokens to ask DynamoDB for: a full lease, or one once a full one was refused. */
  sizeFor(window: LeaseWindow, limitPerMinute: number, nowMs: number): number;
  /** Keeps tokens counted for this window (useless once it is over: no request asks for it). */
  add(window: LeaseWindow, tokens: number, nowMs: number): void;
  /** A full lease was refused in this window: ask for single tokens until it ends. */
  markFull(window: LeaseWindow, nowMs: number): void;
}

export function makeCounterLeases(maxEntries = MAX_ENTRIES): CounterLeases {
  const leases = makeExpiringMap<Lease>((lease) => lease.windowEnd, maxEntries);
  // A lease never crosses a window: the window start is part of its key.
  const keyOf = (w: LeaseWindow) => `${w.budgetName}\u0000${w.windowStart}\u0000${w.callerKey}`;

  function leaseOf(window: LeaseWindow, nowMs: number): Lease {
    const key = keyOf(window);
    const lease = leases.get(key, nowMs);
    if (lease) return lease;
    const fresh: Lease = { windowEnd: window.windowEnd, tokens: 0, full: false };
    leases.set(key, fresh, nowMs);
    return fresh;
  }

  return {
    take(window, nowMs) {
      const lease = leases.get(keyOf(window), nowMs);
      if (!lease || lease.tokens <= 0) return false;
      lease.tokens -= 1;
      return true;
    },
    sizeFor(window, limitPerMinute, nowMs) {
      return leases.get(keyOf(window), nowMs)?.full ? 1 : leaseSizeFor(limitPerMinute);
    },
    add(window, tokens, nowMs) {
      leaseOf(window, nowMs).tokens += tokens;
    },
    markFull(window, nowMs) {
      leaseOf(window, nowMs).full = true;
    },
  };
}
