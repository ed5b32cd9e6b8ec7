/**
 * What this warm instance already knows: callers over a budget until their window ends,
 * so their next requests are refused with no I/O. Bounded (see expiring-map.ts).
 */
import { MAX_ENTRIES, makeExpiringMap } from './expiring-map.js';

export interface OverLimitMemo {
  remember(callerKey: string, budgetName: string, untilMs: number, nowMs: number): void;
  /** The end of the window the caller is over, or undefined when not known to be over. */
  overUntil(callerKey: string, budgetName: string, nowMs: number): number | undefined;
}

export function makeOverLimitMemo(maxEntries = MAX_ENTRIES): OverLimitMemo {
  const until = makeExpiringMap<number>((end) => end, maxEntries);
  const keyOf = (callerKey: string, budgetName: string) => `${budgetName}\u0000${callerKey}`;
  return {
    remember(callerKey, budgetName, untilMs, nowMs) {
      until.set(keyOf(callerKey, budgetName), untilMs, nowMs);
    },
    overUntil(callerKey, budgetName, nowMs) {
      return until.get(keyOf(callerKey, budgetName), nowMs);
    },
  };
}
