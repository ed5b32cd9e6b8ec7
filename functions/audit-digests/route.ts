/**
 * GET /v1/audit/digests: auditors only, checked before the query string is validated, so
 * anyone else gets the same 403 for any request.
 */
import * as z from 'zod';
import type { ListDigests } from '../../lib/audit/digest/digest-listing.js';
import { listDigestsContract } from '../../lib/contracts/audit-evidence.js';
import { forbidden } from '../../lib/errors.js';
import type { AllowList } from '../../lib/grants/allow-list.js';
import { validate } from '../../lib/http/body.js';
import type { Route } from '../../lib/http/handler.js';
import type { BrokerLogger } from '../../lib/observability/logger.js';

export interface AuditDigestsRouteDeps {
  listDigests: ListDigests;
  allowList: Pick<AllowList, 'isAuditor'>;
  logger: Pick<BrokerLogger, 'warn'>;
}

export function auditDigestsRoute(deps: AuditDigestsRouteDeps): Route<undefined, Record<string, string>> {
  return {
    name: 'audit-digests',
    query: z.record(z.string(), z.string()),
    async handle({ caller, query, facts }) {
      if (!deps.allowList.isAuditor(caller)) {
        deps.logger.warn('AUDIT_DENIED', { caller: caller.key, requestId: facts.requestId });
        throw forbidden('caller is not an auditor');
      }
      const page = await deps.listDigests(validate(query, listDigestsContract.request.query), facts.budget);
      return { status: 200, body: page };
    },
  };
}
