/**
 * Time filters of audit queries. `from` is inclusive, `to` exclusive, so consecutive
 * windows ([a, b), [b, c)) never count a record twice. The accepted instant forms are
 * parsed at the edge (lib/contracts/instant.ts); here every instant is an ISO string.
 */
import { invalidRange, rangeTooWide } from '../errors.js';

export interface TimeRange {
  /** ISO instant, inclusive; undefined = unbounded. */
  from?: string;
  /** ISO instant, exclusive; undefined = unbounded. */
  to?: string;
}

const DAY_MS = 86_400_000;

/** Rejects an empty or inverted range (from must be strictly before to). */
export function checkRange(range: TimeRange): TimeRange {
  if (range.from !== undefined && range.to !== undefined && range.from >= range.to) {
    throw invalidRange();
  }
  return range;
}

export interface DayScan {
  range: Required<TimeRange>;
  /** yyyy-mm-dd partitions of the byDay index, newest first. */
  days: string[];
}

/**
 * Without an indexed filter the only partitions to read are days: the range defaults to
 * the last `defaultHours` and may not span more than `maxDays`, so one request touches a
 * bounded number of partitions.
 */
export function dayScan(
  range: TimeRange,
  now: Date,
  options: { defaultHours: number; maxDays: number },
): DayScan {
  const to = range.to ?? new Date(now.getTime() + 1).toISOString();
  const from = range.from ?? new Date(Date.parse(to) - options.defaultHours * 3_600_000).toISOString();
  checkRange({ from, to });
  if (Date.parse(to) - Date.parse(from) > options.maxDays * DAY_MS) {
    throw rangeTooWide(options.maxDays);
  }
  return { range: { from, to }, days: daysNewestFirst(from, to) };
}

/** Every UTC day that intersects [from, to), newest first. */
export function daysNewestFirst(from: string, to: string): string[] {
  const days: string[] = [];
  const first = Date.parse(from.slice(0, 10));
  for (
    let day = Date.parse(new Date(Date.parse(to) - 1).toISOString().slice(0, 10));
    day >= first;
    day -= DAY_MS
  ) {
    days.push(new Date(day).toISOString().slice(0, 10));
  }
  return days;
}
