/**
 * GET /v1/issuances and GET /v1/issuances/{id}: auditors only (invariant 11). The caller
 * is admitted (rate, then auditor; a refusal is recorded) before the query string is even
 * validated, so a non-auditor learns nothing (not even which filters exist) and gets the
 * same 403 for any request.
 */
import * as z from 'zod';
import { getIssuanceContract } from '../contracts/get-issuance.js';
import { listIssuancesContract } from '../contracts/list-issuances.js';
import { notFound } from '../errors.js';
import { validate } from '../http/body.js';
import type { Route } from '../http/handler.js';
import type { AdmitAuditor } from './audit-gate.js';
import type { AuditQueries } from './queries.js';

/** Accepts any query string; the real schema is applied after authorization. */
const rawQuery = z.record(z.string(), z.string());

export interface AuditQueryRouteDeps {
  queries: AuditQueries;
  admitAuditor: AdmitAuditor;
}

export function auditQueryRoute(deps: AuditQueryRouteDeps): Route<undefined, Record<string, string>> {
  return {
    name: 'audit-query',
    query: rawQuery,
    async handle({ caller, query, pathParameters, facts }) {
      await deps.admitAuditor(caller, facts, 'audit-query');
      const id = pathParameters.id;
      if (id !== undefined) {
        validate(query, getIssuanceContract.request.query);
        const issuanceId = validate(id, getIssuanceContract.request.path.shape.id);
        const history = await deps.queries.issuance(issuanceId, facts.budget);
        if (!history) throw notFound('No audit record has this issuance id.');
        return { status: 200, body: history };
      }
      const { limit, cursor, ...filters } = validate(query, listIssuancesContract.request.query);
      const page = await deps.queries.list(filters, { limit, cursor }, facts.budget);
      return { status: 200, body: page };
    },
  };
}
