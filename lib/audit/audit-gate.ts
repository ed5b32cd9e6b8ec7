/**
 * The door of the audit routes. Every request is charged to the caller's `audit` budget
 * before anything is written, so a flood of queries costs 429s and at most one RATE_LIMITED
 * record per warm instance and window. A caller who is not an auditor gets the generic 403
 * and an AUDIT_DENIED record: who tried to read the trail is part of the trail.
 */
import { forbidden, rateLimited } from '../errors.js';
import type { AllowList } from '../grants/allow-list.js';
import type { Caller } from '../grants/caller.js';
import type { RequestFacts } from '../http/request-facts.js';
import type { AuditStore, Clock, IdSource, RateBudget, RateLimiter } from '../issuance/ports.js';
import type { AuditRecord } from './record.js';
import { requestRecordFields } from './request-fields.js';

export interface AuditGateDeps {
  allowList: Pick<AllowList, 'isAuditor'>;
  audit: AuditStore;
  rateLimiter: RateLimiter;
  limitPerMinute: number;
  newId: IdSource;
  clock: Clock;
}

/** Resolves when the caller is an auditor within its rate; throws the 429 or 403 otherwise. */
export type AdmitAuditor = (caller: Caller, facts: RequestFacts, route: string) => Promise<void>;

export function makeAuditGate(deps: AuditGateDeps): AdmitAuditor {
  const auditBudget: RateBudget = { name: 'audit', limitPerMinute: deps.limitPerMinute };

  return async function admitAuditor(caller, facts, route) {
    const record = (decision: AuditRecord['decision'], reason: string) =>
      deps.audit.append(
        {
          issuanceId: deps.newId(),
          decision,
          at: deps.clock().toISOString(),
          ...requestRecordFields(caller, facts),
          reason,
          detail: route,
        },
        facts.budget,
      );
    const known = deps.rateLimiter.knownOver(caller, [auditBudget]);
    if (known) throw rateLimited(known.retryAfterSeconds);
    const verdict = await deps.rateLimiter.charge(caller, [auditBudget], facts.budget);
    if (verdict.over) {
      if (!verdict.known) await record('RATE_LIMITED', 'over_audit');
      throw rateLimited(verdict.retryAfterSeconds);
    }
    if (!deps.allowList.isAuditor(caller)) {
      await record('AUDIT_DENIED', 'not_an_auditor');
      throw forbidden('caller is not an auditor');
    }
  };
}
