/**
 * GET /v1/audit/digests and GET /v1/audit/public-key: the evidence an auditor needs to
 * check the audit trail without trusting the broker (auditors only). The digest shape is
 * explained in docs/audit-evidence.md; `payload` is the signed text itself.
 */
import * as z from 'zod';
import { instant, pageLimitParameter } from './fields.js';
import { defineRoute } from './route.js';

export const DIGEST_PAGE_LIMIT = { min: 1, max: 100, default: 20 } as const;

export const digestsQuery = z.strictObject({
  from: instant('Inclusive lower bound on the window start'),
  to: instant('Exclusive upper bound on the window start'),
  limit: pageLimitParameter(DIGEST_PAGE_LIMIT).describe(
    `Digests per page, ${DIGEST_PAGE_LIMIT.min}–${DIGEST_PAGE_LIMIT.max} (default ${DIGEST_PAGE_LIMIT.default}); a page of large windows may hold fewer.`,
  ),
  cursor: z
    .string()
    .max(1024)
    .regex(/^[\w-]+$/, { message: 'is not a cursor' })
    .optional()
    .describe('The `cursor` of the previous page, unchanged, with the same `from` and `to`.'),
});

export const sealedDigest = z.object({
  windowStart: z.string().describe('ISO 8601, inclusive'),
  windowEnd: z.string().describe('ISO 8601, exclusive'),
  recordCount: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  payload: z.string().describe('The digest as signed: canonical JSON (RFC 8785), UTF-8'),
  signature: z.string().describe('ECDSA P-256 / SHA-256 over `payload`, DER, base64'),
  leaves: z.array(z.string()).describe('"{issuanceId}/{decision} {sha256 hex}" per sealed record, sorted'),
});

export const digestPage = z.object({
  items: z.array(sealedDigest).describe('Oldest first (chain order)'),
  cursor: z.string().optional().describe('Present when more digests may follow'),
});

export type DigestPageBody = z.infer<typeof digestPage>;

export const listDigestsContract = defineRoute({
  operationId: 'listAuditDigests',
  method: 'GET',
  path: '/v1/audit/digests',
  summary: 'The signed digests of sealed audit windows, oldest first (auditors only)',
  description: [
    'Auditors only. One digest per sealed window whose start is in [`from`, `to`), in chain order, each with its signed `payload` text, `signature` and leaf lines.',
    'Pagination: pass `cursor` back unchanged with the same `from` and `to`; a cursor made for another range is a 400 `invalid_cursor`.',
  ].join('\n\n'),
  request: { query: digestsQuery },
  responses: { 200: { description: 'A page of digests', schema: digestPage } },
  problems: {
    400: ['invalid_request', 'invalid_cursor', 'invalid_range'],
    403: ['not_allowed'],
    429: ['rate_limited'],
    503: ['dependency_unavailable'],
  },
});

export const digestPublicKey = z.object({
  keyId: z.string().describe('SHA-256 (hex) of the DER SubjectPublicKeyInfo; each digest names it'),
  algorithm: z.literal('ECDSA_SHA_256'),
  pem: z.string().describe('The P-256 public key, SubjectPublicKeyInfo PEM'),
});

export type DigestPublicKeyBody = z.infer<typeof digestPublicKey>;

export const getPublicKeyContract = defineRoute({
  operationId: 'getAuditPublicKey',
  method: 'GET',
  path: '/v1/audit/public-key',
  summary: 'The public key that verifies the audit digests (auditors only)',
  request: { query: z.strictObject({}) },
  responses: { 200: { description: 'The digest signing key', schema: digestPublicKey } },
  problems: {
    400: ['invalid_request'],
    403: ['not_allowed'],
    429: ['rate_limited'],
    503: ['dependency_unavailable'],
  },
});
