/**
 * Time filters of audit queries. `from` is inclusive, `to` exclusive, so consecutive
 * windows ([a, b), [b, c)) never count a record twice. Instants are ISO 8601 with a zone
 * (or a bare UTC date) or epoch numbers: below 1e11 seconds, from 1e11 milliseconds
 * (1e11 s is the year 5138, 1e11 ms is 1973: no real instant is ambiguous).
 */
import { invalidRange, rangeTooWide } from '../errors.js';

export interface TimeRange {
  /** ISO instant, inclusive; undefined = unbounded. */
  from?: string;
  /** ISO instant, exclusive; undefined = unbounded. */
  to?: string;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2}))?$/;
const EPOCH = /^\d{1,16}$/;
const EPOCH_MS_THRESHOLD = 1e11;
const MIN_MS = Date.UTC(2000, 0, 1);
const MAX_MS = Date.UTC(9999, 11, 31);
const DAY_MS = 86_400_000;

/** The instant as an ISO string (milliseconds, UTC), or undefined when it is not one we accept. */
export function parseInstant(text: string): string | undefined {
  const ms = EPOCH.test(text) ? epochMs(Number(text)) : isoMs(text);
  if (ms === undefined || ms < MIN_MS || ms > MAX_MS) return undefined;
  return new Date(ms).toISOString();
}

const epochMs = (n: number) => (n < EPOCH_MS_THRESHOLD ? n * 1000 : n);

function isoMs(text: string): number | undefined {
  const match = ISO.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = match;
  const ms = Date.parse(
    `${year}-${month}-${day}T${hour}:${minute}:${second}.${fraction.padEnd(3, '0').slice(0, 3)}${normalizeZone(zone)}`,
  );
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2024-02-30 over to March: refuse dates that do not exist.
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const exists =
    calendar.getUTCFullYear() === Number(year) &&
    calendar.getUTCMonth() === Number(month) - 1 &&
    calendar.getUTCDate() === Number(day);
  return exists && Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60 ? ms : undefined;
}

const normalizeZone = (zone: string) =>
  zone === 'Z' || zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;

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
