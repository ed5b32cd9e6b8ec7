/**
 * Sealing windows: consecutive [start, end) spans of `windowSeconds`, aligned to the Unix
 * epoch, so every sealer (and every verifier) cuts time at the same instants. A window is
 * closed for sealing once its end is `settleSeconds` in the past: the by-day index is
 * eventually consistent, and a record written at the very end of a window must have
 * reached it before the window's records are read.
 */
export interface SealWindow {
  /** ISO instant, inclusive. */
  start: string;
  /** ISO instant, exclusive. */
  end: string;
}

export interface WindowSettings {
  windowSeconds: number;
  settleSeconds: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The window that holds `instant`. */
export function windowAt(instant: string | number, windowSeconds: number): SealWindow {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  const size = windowSeconds * 1000;
  const start = Math.floor(ms / size) * size;
  return { start: iso(start), end: iso(start + size) };
}

/** The window that starts where `previousEnd` left off (the chain never skips time). */
export function windowAfter(previousEnd: string, windowSeconds: number): SealWindow {
  const start = Date.parse(previousEnd);
  // A changed window size starts at the old end and runs to the next aligned boundary.
  const aligned = windowAt(start, windowSeconds);
  return { start: iso(start), end: aligned.end };
}

export function isClosed(window: SealWindow, now: Date, settings: WindowSettings): boolean {
  return Date.parse(window.end) + settings.settleSeconds * 1000 <= now.getTime();
}

/** The UTC days (byDay partitions, YYYY-MM-DD) a span touches. */
export function daysOf(window: SealWindow): string[] {
  const days: string[] = [];
  const lastMs = Date.parse(window.end) - 1;
  for (let ms = Date.parse(window.start.slice(0, 10)); ms <= lastMs; ms += 86_400_000) {
    days.push(iso(ms).slice(0, 10));
  }
  return days;
}
