/**
 * zod schemas of the fields several contracts share, built from the limits module so a
 * pattern or bound is written once.
 */
import * as z from 'zod';
import { parseInstant } from './instant.js';
import {
  AUDIT_PAGE_LIMIT,
  AWS_PRINCIPAL_ARN_PATTERN,
  BODY_LIMIT_BYTES,
  DURATION_LIMITS,
  GRANT_ID_PATTERN,
  PROVIDERS,
  VOLCENGINE_ROLE_TRN_PATTERN,
} from './limits.js';

export const grantId = z
  .string()
  .regex(GRANT_ID_PATTERN, { message: 'must be 2-63 of lower-case letters, digits and -' });

export const provider = z.enum(PROVIDERS);

export const volcengineRoleTrn = z
  .string()
  .regex(VOLCENGINE_ROLE_TRN_PATTERN, { message: 'must be trn:iam::{accountId}:role/{name}' });

/** A session duration any provider accepts (a grant or the role may narrow it). */
export const durationSeconds = z.number().int().min(DURATION_LIMITS.min).max(DURATION_LIMITS.max);

/**
 * A count or index of anything in a request or an answer: bounded by what fits in the
 * largest body (so the published schema has real bounds, not ±2^53).
 */
export const count = z.number().int().min(0).max(BODY_LIMIT_BYTES.max);

export const auditPageLimit = z.number().int().min(AUDIT_PAGE_LIMIT.min).max(AUDIT_PAGE_LIMIT.max);

/**
 * A page size as a query string carries it: at most as many digits as `max` has, then an
 * integer within the limits; `default` when absent.
 */
export const pageLimitParameter = (limits: { min: number; max: number; default: number }) =>
  z
    .string()
    .regex(new RegExp(`^\\d{1,${String(limits.max).length}}$`), {
      message: `must be an integer from ${limits.min} to ${limits.max}`,
    })
    .transform(Number)
    .pipe(z.number().int().min(limits.min).max(limits.max))
    .default(limits.default);

/** A time bound as the audit routes accept it in a query (`from`, `to`): parsed to ISO. */
export const instant = (bound: string) =>
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

/** ISO 8601 instants as the broker writes them (Date#toISOString). */
export const isoInstant = z.iso.datetime({ offset: true }).describe('ISO 8601');

/** IAM role or user ARN of a caller or auditor, as the grants file names them. */
export const awsPrincipalArn = z.string().regex(AWS_PRINCIPAL_ARN_PATTERN, {
  message: 'must be an IAM role or user ARN, e.g. arn:aws:iam::111111111111:role/reporting-service',
});

export const oidcCaller = z
  .object({
    issuer: z
      .string()
      .url()
      // '#' separates issuer and subject in caller keys: refusing it keeps keys unambiguous.
      .refine((issuer) => !issuer.includes('#'), { message: 'must not contain #' })
      .describe('The OIDC issuer (the `iss` claim).'),
    subject: z.string().min(1).max(255).describe('The subject (the `sub` claim).'),
  })
  .strict();

/** A caller as the grants file names it: an IAM principal ARN or an OIDC issuer and subject. */
export const callerRef = z.union([awsPrincipalArn, oidcCaller]);
export type CallerRef = z.infer<typeof callerRef>;
