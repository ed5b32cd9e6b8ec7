/**
 * GET /v1/issuances: audit records by filters, newest first, in pages (auditors only).
 * The query is strict: an unknown parameter is a 400, so a typo such as `callr=` cannot
 * silently widen an export to every caller.
 */
import * as z from 'zod';
import { AUDIT_DECISIONS, auditRecord } from './audit-record.js';
import { grantId, instant, pageLimitParameter } from './fields.js';
import {
  ASSUMED_ROLE_ARN_PATTERN,
  AUDIT_PAGE_LIMIT,
  CALLER_KEY_PATTERN,
  IAM_PRINCIPAL_ARN_PATTERN,
} from './limits.js';
import { defineRoute } from './route.js';

/** A caller key, or a principal ARN (an assumed-role session ARN stands for its role). */
const isCallerFilter = (value: string) =>
  CALLER_KEY_PATTERN.test(value) ||
  ASSUMED_ROLE_ARN_PATTERN.test(value) ||
  IAM_PRINCIPAL_ARN_PATTERN.test(value);

/** The `decision` filter: a record decision, or `unconfirmed`. */
export const AUDIT_DECISION_FILTERS = [...AUDIT_DECISIONS, 'unconfirmed'] as const;

export const auditQuery = z.strictObject({
  caller: z
    .string()
    .max(1100)
    .refine(isCallerFilter, {
      message: 'must be a caller key (aws:{account}:role/{name}, oidc:{issuer}#{subject}) or a principal ARN',
    })
    .optional()
    .describe('Caller key or principal ARN; an assumed-role ARN matches every session of its role.'),
  roleArn: z
    .string()
    .regex(/^(?:arn|trn):[\x21-\x7e]{1,2040}$/)
    .optional()
    .describe('Target role ARN (AWS) or TRN (Volcengine).'),
  grant: grantId.optional().describe('Grant id.'),
  accessKeyId: z
    .string()
    .regex(/^[A-Z0-9]{16,128}$/)
    .optional()
    .describe('Access key id of an issued session: who held it, and until when.'),
  decision: z
    .enum(AUDIT_DECISION_FILTERS)
    .optional()
    .describe('`unconfirmed`: INTENT records whose issuance has no ISSUED or FAILED record.'),
  from: instant('Inclusive lower bound on the record time'),
  to: instant('Exclusive upper bound on the record time'),
  limit: pageLimitParameter(AUDIT_PAGE_LIMIT).describe(
    `Records per page, ${AUDIT_PAGE_LIMIT.min}–${AUDIT_PAGE_LIMIT.max} (default ${AUDIT_PAGE_LIMIT.default}).`,
  ),
  cursor: z
    .string()
    .max(4096)
    .regex(/^[\w-]+\.[\w-]+$/, { message: 'is not a cursor' })
    .optional()
    .describe('The `cursor` of the previous page, unchanged, with the same filters.'),
});

export type AuditQueryParams = z.output<typeof auditQuery>;

export const auditPage = z.object({
  items: z.array(auditRecord),
  cursor: z
    .string()
    .optional()
    .describe('Present when more records may follow; a page may hold fewer than `limit`.'),
  servedBy: z.object({
    index: z.string().describe('The GSI the Query ran on'),
    postFilters: z.array(z.string()).describe('Filters applied after the Query (FilterExpression)'),
  }),
});

export type AuditPageBody = z.infer<typeof auditPage>;

export const listIssuancesContract = defineRoute({
  operationId: 'listIssuances',
  method: 'GET',
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
  request: { query: auditQuery },
  responses: { 200: { description: 'A page of audit records', schema: auditPage } },
  problems: {
    400: ['invalid_request', 'invalid_cursor', 'invalid_range', 'range_too_wide'],
    403: ['not_allowed'],
    429: ['rate_limited'],
    503: ['dependency_unavailable'],
  },
});
