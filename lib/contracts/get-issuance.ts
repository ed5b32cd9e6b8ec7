/** GET /v1/issuances/{id}: one issuance with its whole record history (auditors only). */
import * as z from 'zod';
import { AUDIT_DECISIONS, type AuditDecision, auditRecord } from './audit-record.js';
import { defineRoute } from './route.js';

export const issuanceId = z.string().regex(/^[\w-]{1,64}$/, { message: 'is not an issuance id' });

export const issuancePath = z.object({ id: issuanceId.describe('The issuanceId') });

/** The outcome of an issuance (any decision but INTENT), or UNCONFIRMED for an INTENT without one. */
export const ISSUANCE_STATUSES = [
  ...AUDIT_DECISIONS.filter(
    (decision): decision is Exclude<AuditDecision, 'INTENT'> => decision !== 'INTENT',
  ),
  'UNCONFIRMED',
] as const;

export const issuanceHistory = z.object({
  issuanceId: z.string(),
  status: z.enum(ISSUANCE_STATUSES).describe('The outcome, or UNCONFIRMED for an INTENT without one'),
  items: z.array(auditRecord),
});

export type IssuanceHistoryBody = z.infer<typeof issuanceHistory>;

export const getIssuanceContract = defineRoute({
  operationId: 'getIssuance',
  method: 'GET',
  path: '/v1/issuances/{id}',
  summary: 'One issuance with its whole record history (auditors only)',
  description:
    'Records in time order (INTENT before its ISSUED, FAILED, RATE_LIMITED or UNKNOWN; DENIED, DRY_RUN, RATE_LIMITED alone). `status` is the outcome (UNKNOWN: the STS call was sent and got no answer, a session may exist), or UNCONFIRMED for an INTENT without one. A Query on the table key. No query parameters.',
  request: { path: issuancePath, query: z.strictObject({}) },
  responses: { 200: { description: 'The issuance', schema: issuanceHistory } },
  problems: {
    400: ['invalid_request'],
    403: ['not_allowed'],
    404: ['not_found'],
    429: ['rate_limited'],
    503: ['dependency_unavailable'],
  },
});
