/**
 * What this warm instance already knows: callers over a budget until their window ends.
 * Lambda runs one request at a time per instance, so a plain Map is enough; its size is
 * bounded so that a flood of distinct callers cannot grow it without end (forgetting an
 * entry only costs one more counter update, never a wrong admission).
 */
const MAX_ENTRIES = 10_000;

export interface OverLimitMemo {
  remember(callerKey: string, budgetName: string, untilMs: number, nowMs: number): void;
  /** The end of the window the caller is over, or undefined when not known to be over. */
  overUntil(callerKey: string, budgetName: string, nowMs: number): number | undefined;
}

export function makeOverLimitMemo(maxEntries = MAX_ENTRIES): OverLimitMemo {
  const until = new Map<string, number>();
  const keyOf = (callerKey: string, budgetName: string) => `${budgetName}\u0000${callerKey}`;

  function makeRoom(nowMs: number) {
    for (const [key, end] of until) if (end <= nowMs) until.delete(key);
    // Still full of live entries: forget the oldest (insertion order).
    for (const key of until.keys()) {
      if (until.size < maxEntries) break;
      until.delete(key);
    }
  }

  return {
    remember(callerKey, budgetName, untilMs, nowMs) {
      const key = keyOf(callerKey, budgetName);
      if (!until.has(key) && until.size >= maxEntries) makeRoom(nowMs);
      until.set(key, untilMs);
    },
    overUntil(callerKey, budgetName, nowMs) {
      const key = keyOf(callerKey, budgetName);
      const end = until.get(key);
      if (end === undefined) return undefined;
      if (end > nowMs) return end;
      until.delete(key);
      return undefined;
    },
  };
}
