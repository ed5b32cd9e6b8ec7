/**
 * The canonical form of audit evidence: JSON Canonicalization Scheme (RFC 8785), via the
 * `canonicalize` library. Object keys sorted by UTF-16 code unit, no whitespace, numbers
 * in their shortest ECMAScript form, strings escaped as JSON.stringify does. Two parties
 * who hold the same record get the same bytes, whatever order its fields came in.
 *
 * A record is hashed as the audit API shows it (the AuditRecord fields, lib/audit/view.ts),
 * so an auditor recomputes every hash from `GET /v1/issuances` alone; attributes outside
 * the record model are never shown to anyone and are not covered.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { AuditRecordView } from '../view.js';

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('the value has no JSON form');
  return text;
}

export const sha256Hex = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex');

/** One record of a sealed window: its id and the SHA-256 of its canonical JSON. */
export interface Leaf {
  id: string;
  sha256: string;
}

/** The table key of a record ({issuanceId}/{decision}): unique, since puts never replace. */
export const recordIdOf = (record: Pick<AuditRecordView, 'issuanceId' | 'decision'>): string =>
  `${record.issuanceId}/${record.decision}`;

export const leafOf = (record: AuditRecordView): Leaf => ({
  id: recordIdOf(record),
  sha256: sha256Hex(canonicalJson(record)),
});

/** A leaf as one line of the leaf list: "{id} {sha256 hex}". */
export const leafLine = (leaf: Leaf): string => `${leaf.id} ${leaf.sha256}`;

/** The leaf lines of a window, sorted by id (code unit order), so the list is canonical. */
export function leafLines(leaves: Leaf[]): string[] {
  return leaves.map(leafLine).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What a digest signs for its records: SHA-256 of the sorted lines, each ended by "\n". */
export const leavesSha256 = (lines: string[]): string => sha256Hex(lines.map((line) => `${line}\n`).join(''));

export function parseLeafLine(line: string): Leaf | undefined {
  const match = /^(\S+) ([0-9a-f]{64})$/.exec(line);
  return match?.[1] && match[2] ? { id: match[1], sha256: match[2] } : undefined;
}
