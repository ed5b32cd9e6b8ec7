/**
 * Instants as the audit API accepts them in `from` and `to`: ISO 8601 with a zone (or a
 * bare UTC date), or epoch numbers: below 1e11 seconds, from 1e11 milliseconds (1e11 s is
 * the year 5138, 1e11 ms is 1973: no real instant is ambiguous).
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2}))?$/;
const EPOCH = /^\d{1,16}$/;
const EPOCH_MS_THRESHOLD = 1e11;
const MIN_MS = Date.UTC(2000, 0, 1);
const MAX_MS = Date.UTC(9999, 11, 31);

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
