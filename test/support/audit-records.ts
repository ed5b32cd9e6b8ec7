/**
 * Deterministic audit trails for the audit-query tests and the benchmark: issuances
 * spread over time, several callers and grants, every decision kind, and some INTENT
 * records left without an outcome (the "unconfirmed" case).
 */
import type { AuditRecord } from '../../lib/audit/record.js';

export const AUDIT_T0 = Date.parse('2025-03-10T00:00:00.000Z');

export const AUDIT_CALLERS = [
  {
    key: 'aws:111111111111:role/reporting-service',
    principal: 'arn:aws:sts::111111111111:assumed-role/reporting-service/w1',
  },
  { key: 'aws:111111111111:role/rotation-job', principal: 'arn:aws:iam::111111111111:role/rotation-job' },
  {
    key: 'oidc:http://127.0.0.1/local-issuer#rotation-job',
    principal: 'http://127.0.0.1/local-issuer#rotation-job',
  },
] as const;

export const AUDIT_GRANTS = [
  { id: 'reports-reader', roleArn: 'arn:aws:iam::222222222222:role/reports-read' },
  { id: 'doris-vault-rotation', roleArn: 'arn:aws:iam::333333333333:role/doris-storage-vault' },
  { id: 'tos-reader', roleArn: 'trn:iam::2100000002:role/tos-reader' },
] as const;

export type IssuanceShape = 'issued' | 'failed' | 'denied' | 'unconfirmed';

export function shapeOf(n: number): IssuanceShape {
  if (n % 10 === 0) return 'denied';
  if (n % 10 === 1) return 'failed';
  if (n % 17 === 2) return 'unconfirmed';
  return 'issued';
}

export const issuanceIdOf = (n: number, prefix = 'ISS') => `${prefix}${String(n).padStart(8, '0')}`;
export const accessKeyIdOf = (n: number, prefix = 'ISS') => `ASIA${prefix}${String(n).padStart(12, '0')}`;

/**
 * The records of issuance `n`, at `AUDIT_T0 + n * stepMs` (outcome 150 ms later).
 * `caller`/`grant` rotate with coprime periods so every combination occurs.
 */
export function issuanceRecords(
  n: number,
  options: { stepMs?: number; prefix?: string; t0?: number } = {},
): AuditRecord[] {
  const stepMs = options.stepMs ?? 13 * 60_000;
  const prefix = options.prefix ?? 'ISS';
  const at = (options.t0 ?? AUDIT_T0) + n * stepMs;
  const caller = AUDIT_CALLERS[n % AUDIT_CALLERS.length] ?? AUDIT_CALLERS[0];
  const grant = AUDIT_GRANTS[n % 4 === 3 ? 2 : n % 2] ?? AUDIT_GRANTS[0];
  const base = {
    issuanceId: issuanceIdOf(n, prefix),
    callerKey: caller.key,
    callerPrincipal: caller.principal,
    callerKind: caller.key.startsWith('oidc:') ? ('oidc' as const) : ('aws' as const),
    grantId: grant.id,
    roleArn: grant.roleArn,
    requestId: `req-${n}`,
    sourceIp: '198.51.100.7',
    userAgent: 'broker-test/1.0',
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const shape = shapeOf(n);
  if (shape === 'denied') return [{ ...base, decision: 'DENIED', at: iso(at), reason: 'no_matching_grant' }];
  const intent: AuditRecord = { ...base, decision: 'INTENT', at: iso(at), durationSeconds: 900 };
  if (shape === 'unconfirmed') return [intent];
  if (shape === 'failed') {
    return [intent, { ...base, decision: 'FAILED', at: iso(at + 150), reason: 'sts_access_denied' }];
  }
  return [
    intent,
    {
      ...base,
      decision: 'ISSUED',
      at: iso(at + 150),
      durationSeconds: 900,
      accessKeyId: accessKeyIdOf(n, prefix),
      expiration: iso(at + 150 + 900_000),
    },
  ];
}

export function auditTrail(
  count: number,
  options: { stepMs?: number; prefix?: string; t0?: number } = {},
): AuditRecord[] {
  return Array.from({ length: count }, (_, n) => issuanceRecords(n, options)).flat();
}

/** Newest first, as the API answers: by the ts index key. */
export const newestFirst = (a: AuditRecord, b: AuditRecord) => {
  const ts = (r: AuditRecord) => `${r.at}#${r.issuanceId}#${r.decision}`;
  return ts(a) < ts(b) ? 1 : ts(a) > ts(b) ? -1 : 0;
};
