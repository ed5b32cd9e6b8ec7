/**
 * The audit record: one DynamoDB item per decision, never updated (invariant 9). Every
 * authenticated request to an issuance route ends in one terminal record: an issuance
 * leaves INTENT then ISSUED, FAILED, RATE_LIMITED or UNKNOWN under the same issuanceId; a
 * refusal one DENIED (or RATE_LIMITED, or FAILED for a 5xx before any STS call); a dry run
 * one DRY_RUN. Secrets have no field here by construction (invariant 10): the type has no
 * place for a secret access key or session token.
 */
import type { AuditDecision } from '../contracts/audit-record.js';

export type { AuditDecision };

export interface AuditRecord {
  issuanceId: string;
  decision: AuditDecision;
  /** ISO 8601 time of this record. */
  at: string;
  /** Stable caller key (aws:{account}:role/{name} or oidc:{issuer}#{sub}). */
  callerKey: string;
  /** The principal as authenticated (assumed-role ARN with session, or issuer#subject). */
  callerPrincipal: string;
  callerKind: 'aws' | 'oidc';
  reason?: string;
  /** Internal detail (provider error messages); for auditors, never for the caller. */
  detail?: string;
  grantId?: string;
  provider?: string;
  roleArn?: string;
  durationSeconds?: number;
  durationBound?: string;
  expiration?: string;
  accessKeyId?: string;
  assumedRoleArn?: string;
  sourceIdentity?: string;
  roleSessionName?: string;
  policySha256?: string;
  policySize?: number;
  packedPolicySize?: number;
  requestId?: string;
  sourceIp?: string;
  userAgent?: string;
}

/** Index keys derived from a record: sortable by time, unique per record. */
export function indexKeys(record: AuditRecord): { record: string; ts: string; day: string } {
  return {
    record: record.decision,
    ts: `${record.at}#${record.issuanceId}#${record.decision}`,
    day: record.at.slice(0, 10),
  };
}
