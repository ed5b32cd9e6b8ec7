/**
 * What an auditor sees of a stored audit item: the AuditRecord fields by name, nothing
 * else. A whitelist rather than "the item minus index keys", so an attribute that was
 * never meant for the response (a future field, a stray write) cannot leak through.
 */
import type { AuditRecord } from './record.js';

/** A table item as the adapter reads it (flat strings and numbers). */
export type StoredItem = Record<string, string | number>;

export type AuditRecordView = AuditRecord;

const TEXT_FIELDS = [
  'reason',
  'detail',
  'grantId',
  'provider',
  'roleArn',
  'durationBound',
  'expiration',
  'accessKeyId',
  'assumedRoleArn',
  'sourceIdentity',
  'roleSessionName',
  'policySha256',
  'requestId',
  'sourceIp',
  'userAgent',
] as const satisfies readonly (keyof AuditRecord)[];

const NUMBER_FIELDS = [
  'durationSeconds',
  'policySize',
  'packedPolicySize',
] as const satisfies readonly (keyof AuditRecord)[];

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
  for (const name of TEXT_FIELDS) {
    const value = item[name];
    if (typeof value === 'string') view[name] = value;
  }
  for (const name of NUMBER_FIELDS) {
    const value = item[name];
    if (typeof value === 'number') view[name] = value;
  }
  return view;
}

/** Order of the records of one issuance: by time, then INTENT before its outcome. */
export function byTimeThenDecision(a: AuditRecordView, b: AuditRecordView): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  const rank = (r: AuditRecordView) => (r.decision === 'INTENT' ? 0 : 1);
  return rank(a) - rank(b);
}
