/** OpenAPI operations of the audit-query function, listed by functions/openapi/route.ts. */
import type { OpenApiOperation } from '../../lib/http/openapi.js';
import { auditPageSchema, auditQuerySchema, issuanceHistorySchema } from './schema.js';

export const auditQueryOperations: OpenApiOperation[] = [
  {
    method: 'get',
    path: '/v1/issuances',
    summary: 'List audit records, newest first (auditors only)',
    description: [
      'Auditors only (the `auditors` of the grants file); anyone else gets 403.',
      'Time: `from` is inclusive, `to` exclusive; each takes ISO 8601 with a zone, a UTC date, or epoch seconds (< 1e11) / milliseconds (>= 1e11).',
      "Each request is a DynamoDB Query on one index, never a Scan. The index is picked from the most selective filter given, in this order: `accessKeyId` (byAccessKey), `caller` (byCaller), `grant` (byGrant), `roleArn` (byRole), `decision` (byDecision). Every other filter given is post-filtered (a FilterExpression on that Query): e.g. `caller` + `decision` reads the caller's records and keeps the decision; `grant` + `roleArn` reads the grant and keeps the role. The response names the index and the post-filters in `servedBy`.",
      'With none of those filters the byDay index is read day by day, newest first: the range defaults to the last 24 hours and may span at most 31 days (else 400 `range_too_wide`).',
      '`decision=unconfirmed` lists INTENT records whose issuance has no ISSUED or FAILED record (minted but not confirmed, or in flight right now): it reads INTENT records (byDecision, or the index of another filter) and costs one extra Query on the table per INTENT record examined.',
      'Pagination: pass `cursor` back unchanged with the same filters; a cursor is HMAC-sealed, and a tampered or foreign one is a 400 `invalid_cursor`. A page may hold fewer than `limit` records and still carry a cursor. Records written while paging are newer than the cursor and never repeat.',
    ].join('\n\n'),
    query: auditQuerySchema,
    responses: { '200': { description: 'A page of audit records', schema: auditPageSchema } },
  },
  {
    method: 'get',
    path: '/v1/issuances/{id}',
    summary: 'One issuance with its whole record history (auditors only)',
    description:
      'Path parameter `id`: the issuanceId. Records in time order (INTENT before its ISSUED/FAILED; DENIED, DRY_RUN alone). `status` is the outcome, or UNCONFIRMED for an INTENT without one. A Query on the table key.',
    responses: {
      '200': { description: 'The issuance', schema: issuanceHistorySchema },
      '404': { description: 'No audit record has this issuance id' },
    },
  },
];
