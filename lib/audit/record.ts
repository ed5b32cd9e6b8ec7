/**
 * The audit record: one DynamoDB item per decision, never updated (invariant 9). Every
 * authenticated request to an issuance route ends in one terminal record: an issuance
 * leaves INTENT then ISSUED, FAILED, RATE_LIMITED or UNKNOWN under the same issuanceId; a
 * refusal one DENIED (or RATE_LIMITED, or FAILED for a 5xx before any STS call); a dry run
 * one DRY_RUN. Secrets have no field here by construction (invariant 10): the type has no
 * place for a secret access key or session token.
 */
import type { AuditDecision, AuditRecordBody } from '../contracts/audit-record.js';

export type { AuditDecision };

/** The shape auditors receive (lib/contracts/audit-record.ts) is the shape stored: one definition. */
export type AuditRecord = AuditRecordBody;

/** Index keys derived from a record: sortable by time, unique per record. */
export function indexKeys(record: AuditRecord): { record: string; ts: string; day: string } {
  return {
    record: record.decision,
    ts: `${record.at}#${record.issuanceId}#${record.decision}`,
    day: record.at.slice(0, 10),
  };
}
