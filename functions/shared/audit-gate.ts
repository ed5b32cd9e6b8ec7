/**
 * The door of every auditors-only route (the audit queries, the grants list, the digests
 * and their public key), built once per cold start: the caller's `audit` rate budget is
 * charged first, and a refused caller leaves an AUDIT_DENIED record in the audit table.
 */
import { makeAuditGate } from '../../lib/audit/audit-gate.js';
import { newRecordId } from '../../lib/ids.js';
import { auditStore, rateLimiter } from './dynamodb.js';
import { allowList, config } from './runtime.js';

export const admitAuditor = makeAuditGate({
  allowList,
  audit: auditStore,
  rateLimiter,
  limitPerMinute: config.rateLimit.auditRequestsPerMinute,
  newId: newRecordId,
  clock: () => new Date(),
});
