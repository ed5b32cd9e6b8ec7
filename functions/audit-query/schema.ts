/**
 * GET /v1/issuances query string. Strict: an unknown parameter is a 400, so a typo such
 * as `callr=` cannot silently widen an export to every caller.
 */
import * as z from 'zod';
import { callerKeyOf } from '../../lib/audit/query-plan.js';
import { parseInstant } from '../../lib/audit/time-range.js';

const instant = (bound: string) =>
  z
    .string()
    .max(40)
    .refine((text) => parseInstant(text) !== undefined, {
      message: 'must be ISO 8601 with a zone (or a UTC date), or epoch seconds (< 1e11) or milliseconds',
    })
    .transform((text) => parseInstant(text) ?? text)
    .optional()
    .describe(
      `${bound}. ISO 8601 with Z or an offset (2024-05-01T14:02:00Z), a UTC date (2024-05-01), or epoch seconds (< 1e11) or milliseconds (>= 1e11).`,
    );

export const AUDIT_DECISIONS = [
  'INTENT',
  'ISSUED',
  'FAILED',
  'DENIED',
  'DRY_RUN',
  'VERIFY',
  'unconfirmed',
] as const;

export const auditQuerySchema = z.strictObject({
  caller: z
    .string()
    .max(1100)
    .refine((value) => callerKeyOf(value) !== undefined, {
      message: 'must be a caller key (aws:{account}:role/{name}, oidc:{issuer}#{subject}) or a principal ARN',
    })
    .optional()
    .describe('Caller key or principal ARN; an assumed-role ARN matches every session of its role.'),
  roleArn: z
    .string()
    .regex(/^(?:arn|trn):[\x21-\x7e]{1,2040}$/)
    .optional()
    .describe('Target role ARN (AWS) or TRN (Volcengine).'),
  grant: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,62}$/)
    .optional()
    .describe('Grant id.'),
  accessKeyId: z
    .string()
    .regex(/^[A-Z0-9]{16,128}$/)
    .optional()
    .describe('Access key id of an issued session: who held it, and until when.'),
  decision: z
    .enum(AUDIT_DECISIONS)
    .optional()
    .describe('`unconfirmed`: INTENT records whose issuance has no ISSUED or FAILED record.'),
  from: instant('Inclusive lower bound on the record time'),
  to: instant('Exclusive upper bound on the record time'),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, { message: 'must be an integer from 1 to 1000' })
    .transform(Number)
    .pipe(z.number().int().min(1).max(1000))
    .default(100)
    .describe('Records per page, 1–1000 (default 100).'),
  cursor: z
    .string()
    .max(4096)
    .regex(/^[\w-]+\.[\w-]+$/, { message: 'is not a cursor' })
    .optional()
    .describe('The `cursor` of the previous page, unchanged, with the same filters.'),
});

export type AuditQueryParams = z.output<typeof auditQuerySchema>;

export const issuanceIdSchema = z.string().regex(/^[\w-]{1,64}$/, { message: 'is not an issuance id' });

const recordView = z
  .object({
    issuanceId: z.string(),
    decision: z.enum(['INTENT', 'ISSUED', 'FAILED', 'DENIED', 'DRY_RUN', 'VERIFY']),
    at: z.string().describe('ISO 8601'),
    callerKey: z.string(),
    callerPrincipal: z.string(),
    callerKind: z.enum(['aws', 'oidc']),
  })
  .catchall(z.union([z.string(), z.number()]))
  .describe(
    'An audit record: who, what role, grant, decision, reason, duration, expiry, accessKeyId, … (never a secret)',
  );

export const auditPageSchema = z.object({
  items: z.array(recordView),
  cursor: z
    .string()
    .optional()
    .describe('Present when more records may follow; a page may hold fewer than `limit`.'),
  servedBy: z.object({
    index: z.string().describe('The GSI the Query ran on'),
    postFilters: z.array(z.string()).describe('Filters applied after the Query (FilterExpression)'),
  }),
});

export const issuanceHistorySchema = z.object({
  issuanceId: z.string(),
  status: z.enum(['ISSUED', 'FAILED', 'DENIED', 'DRY_RUN', 'VERIFY', 'UNCONFIRMED']),
  items: z.array(recordView),
});
