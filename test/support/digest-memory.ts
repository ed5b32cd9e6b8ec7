/**
 * In-memory digest store and record source: the digest use cases without DynamoDB, for
 * property tests and the benchmark. Same contract as the DynamoDB adapters: a digest is
 * written once, listed oldest first; records are found by time.
 */
import type { SealedDigest } from '../../lib/audit/digest/digest.js';
import { readPayload } from '../../lib/audit/digest/digest.js';
import type { DigestStore, WindowRecords } from '../../lib/audit/digest/ports.js';
import type { AuditRecordView } from '../../lib/audit/view.js';

export function memoryDigestStore(): DigestStore & { digests: Map<string, SealedDigest> } {
  const digests = new Map<string, SealedDigest>();
  const starts = () => [...digests.keys()].sort();
  return {
    digests,
    async latest() {
      const last = starts().at(-1);
      return last === undefined ? undefined : digests.get(last);
    },
    async put(digest) {
      const start = readPayload(digest.payload)?.windowStart;
      if (start === undefined) throw new Error('not a digest');
      if (digests.has(start)) return 'exists';
      digests.set(start, digest);
      return 'written';
    },
    async list(range, page) {
      const from = page.after ?? range.from;
      const inRange = starts().filter(
        (start) =>
          (from === undefined || start >= from) &&
          start !== page.after &&
          (range.to === undefined || start < range.to),
      );
      const chosen = inRange.slice(0, page.limit);
      const more = inRange.length > page.limit;
      return {
        digests: chosen.map((start) => digests.get(start) as SealedDigest),
        ...(more ? { after: chosen.at(-1) } : {}),
      };
    },
  };
}

/** Records sorted by time once; `between` is two binary searches and a slice. */
export function memoryWindowRecords(records: AuditRecordView[]): WindowRecords {
  const sorted = [...records].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const times = sorted.map((record) => Date.parse(record.at));
  const firstAtOrAfter = (ms: number) => {
    let low = 0;
    let high = times.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((times[mid] ?? 0) < ms) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  return {
    async between(span) {
      return sorted.slice(firstAtOrAfter(Date.parse(span.start)), firstAtOrAfter(Date.parse(span.end)));
    },
    async earliest() {
      return sorted[0]?.at;
    },
  };
}
