/**
 * GET /v1/audit/digests: auditors only. The caller is admitted (rate, then auditor; a
 * refusal is recorded as AUDIT_DENIED) before the query string is validated, so anyone
 * else gets the same 403 for any request.
 */
import * as z from 'zod';
import { listDigestsContract } from '../../contracts/audit-evidence.js';
import { validate } from '../../http/body.js';
import type { Route } from '../../http/handler.js';
import type { AdmitAuditor } from '../audit-gate.js';
import type { ListDigests } from './digest-listing.js';

export interface AuditDigestsRouteDeps {
  listDigests: ListDigests;
  admitAuditor: AdmitAuditor;
}

export function auditDigestsRoute(deps: AuditDigestsRouteDeps): Route<undefined, Record<string, string>> {
  return {
    name: 'audit-digests',
    // Any query string: the contract's schema applies once the caller is admitted.
    query: z.record(z.string(), z.string()),
    async handle({ caller, query, facts }) {
      await deps.admitAuditor(caller, facts, 'audit-digests');
      const page = await deps.listDigests(validate(query, listDigestsContract.request.query), facts.budget);
      return { status: 200, body: page };
    },
  };
}
