/**
 * What an auditor sees of a stored audit item: the fields of the audit record contract
 * (lib/contracts/audit-record.ts) by name, nothing else. A whitelist rather than "the item
 * minus index keys", so an attribute that was never meant for the response (a future
 * field, a stray write) cannot leak through.
 */
import * as z from 'zod';
import { auditRecord } from '../contracts/audit-record.js';
import type { AuditRecord } from './record.js';

/** A table item as the adapter reads it (flat strings and numbers). */
export type StoredItem = Record<string, string | number>;

export type AuditRecordView = AuditRecord;

/** The contract's optional fields in its order, each with the JSON type it holds. */
const OPTIONAL_FIELDS = Object.entries(auditRecord.shape).flatMap(([name, field]) =>
  field instanceof z.ZodOptional
    ? [{ name, type: field.unwrap() instanceof z.ZodNumber ? 'number' : 'string' }]
    : [],
);

const text = (item: StoredItem, name: string) => {
  const value = item[name];
  return typeof value === 'string' ? value : '';
};

export function toRecordView(item: StoredItem): AuditRecordView {
  const view: AuditRecordView = {
    issuanceId: text(item, 'issuanceId'),
    // Only the broker writes the table, always with an AuditDecision: shown as stored.
    decision: text(item, 'decision') as AuditRecord['decision'],
    at: text(item, 'at'),
    callerKey: text(item, 'callerKey'),
    callerPrincipal: text(item, 'callerPrincipal'),
    callerKind: text(item, 'callerKind') === 'oidc' ? 'oidc' : 'aws',
  };
  for (const { name, type } of OPTIONAL_FIELDS) {
    const value = item[name];
    // A value of another type than the contract's is not shown (it could not be parsed).
    if (typeof value === type) Object.assign(view, { [name]: value });
  }
  return view;
}

/** Order of the records of one issuance: by time, then INTENT before its outcome. */
export function byTimeThenDecision(a: AuditRecordView, b: AuditRecordView): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  const rank = (r: AuditRecordView) => (r.decision === 'INTENT' ? 0 : 1);
  return rank(a) - rank(b);
}
