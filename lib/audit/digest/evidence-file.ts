/**
 * One sealed window as a JSON Lines file, verifiable with nothing but Node's crypto (or
 * openssl): line 1 is {"payload": "<the signed digest text>", "signature": "<base64 DER>"},
 * every further line is one record in canonical JSON, whose SHA-256 is its leaf hash.
 */
import type { AuditRecordView } from '../view.js';
import { canonicalJson } from './canonical.js';
import { readPayload, type SealedDigest } from './digest.js';

export function evidenceFileText(digest: SealedDigest, records: AuditRecordView[]): string {
  const head = canonicalJson({ payload: digest.payload, signature: digest.signature });
  return [head, ...records.map((record) => canonicalJson(record))].map((line) => `${line}\n`).join('');
}

/** Object key / file name of a window: sortable, one per window start. */
export function evidenceFileName(digest: Pick<SealedDigest, 'payload'>): string {
  const start = readPayload(digest.payload)?.windowStart;
  if (start === undefined) throw new Error('not a digest payload');
  return `${start.replaceAll(':', '-')}.jsonl`;
}
