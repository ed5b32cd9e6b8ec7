/**
 * What a warm instance keeps about callers until a window ends (the over-limit memo, the
 * counter leases). Its size is bounded so that a flood of distinct callers cannot grow it
 * without end: when full, expired entries go first, then the oldest live ones (insertion
 * order). Forgetting a live entry costs one more counter update (or, for a lease, tokens
 * counted and never used), never a wrong admission.
 */
export const MAX_ENTRIES = 10_000;

export interface ExpiringMap<V> {
  /** The entry, or undefined when there is none or it has expired (it is then dropped). */
  get(key: string, nowMs: number): V | undefined;
  set(key: string, value: V, nowMs: number): void;
}

export function makeExpiringMap<V>(endOf: (value: V) => number, maxEntries = MAX_ENTRIES): ExpiringMap<V> {
  const entries = new Map<string, V>();

  function makeRoom(nowMs: number) {
    for (const [key, value] of entries) if (endOf(value) <= nowMs) entries.delete(key);
    for (const key of entries.keys()) {
      if (entries.size < maxEntries) break;
      entries.delete(key);
    }
  }

  return {
    get(key, nowMs) {
      const value = entries.get(key);
      if (value === undefined) return undefined;
      if (endOf(value) > nowMs) return value;
      entries.delete(key);
      return undefined;
    },
    set(key, value, nowMs) {
      if (!entries.has(key) && entries.size >= maxEntries) makeRoom(nowMs);
      entries.set(key, value);
    },
  };
}
