/**
 * The grants file: the allow-list mapping callers to roles. Validated with zod at cold
 * start, in `npm test`, and by `npm run check:grants`; its JSON Schema for editors is
 * generated from these same schemas (config/grants.schema.json).
 */
import * as z from 'zod';
import { callerRef, durationSeconds, grantId, volcengineRoleTrn } from '../contracts/fields.js';
import {
  AWS_ROLE_ARN_PATTERN,
  DEFAULT_ROLE_MAX_SESSION_SECONDS,
  DURATION_LIMITS,
} from '../contracts/limits.js';

const tagKey = z
  .string()
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, { message: 'invalid session tag key' });
/** Placeholders a session tag value may use; any other `{…}` is a grants-file error. */
export const TAG_PLACEHOLDERS = ['caller.name', 'caller.account', 'caller.id', 'grant.id'] as const;
const tagValueTemplate = z
  .string()
  .max(256)
  .refine(
    (template) =>
      [...template.matchAll(/\{([^}]*)\}/g)].every(([, name]) =>
        (TAG_PLACEHOLDERS as readonly string[]).includes(name ?? ''),
      ),
    { message: `unknown placeholder; use ${TAG_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}` },
  );

const commonGrantFields = {
  id: grantId.describe('Stable identifier; callers may name the grant instead of the role.'),
  description: z.string().max(500).optional(),
  callers: z
    .array(callerRef)
    .min(1)
    .describe('Who may use this grant: IAM role/user ARNs or OIDC {issuer, subject}.'),
  defaultDurationSeconds: durationSeconds
    .optional()
    .describe('Used when the request names no duration. Default 900.'),
  maxDurationSeconds: durationSeconds.optional().describe('Upper bound a caller may request.'),
  policy: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'Ceiling session policy: every request policy must be contained in it; sent when the request has none.',
    ),
  rateLimitPerMinute: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .optional()
    .describe('Per-caller issuance rate for this grant.'),
  disabled: z.boolean().default(false).describe('Kill switch: a disabled grant matches nothing.'),
};

export const awsGrant = z
  .object({
    ...commonGrantFields,
    provider: z.literal('aws'),
    roleArn: z.string().regex(AWS_ROLE_ARN_PATTERN, { message: 'must be an IAM role ARN' }),
    externalId: z
      .string()
      .regex(/^[\w+=,./@:-]{2,1224}$/, { message: 'must be 2-1224 of [\\w+=,./@:-]' })
      .optional()
      .describe('Sent as ExternalId; never taken from a request.'),
    // Volcengine STS has no session tags: only AWS grants may carry them.
    sessionTags: z
      .record(tagKey, tagValueTemplate)
      .optional()
      .refine((tags) => tags === undefined || Object.keys(tags).length <= 50, {
        message: 'at most 50 session tags',
      })
      .describe('Session tags; values may use {caller.name}, {caller.account}, {caller.id}, {grant.id}.'),
    roleMaxSessionDurationSeconds: durationSeconds
      .default(DEFAULT_ROLE_MAX_SESSION_SECONDS)
      .describe(`The target role's MaxSessionDuration (IAM default ${DEFAULT_ROLE_MAX_SESSION_SECONDS}).`),
  })
  .strict();

export const volcengineGrant = z
  .object({
    ...commonGrantFields,
    provider: z.literal('volcengine'),
    roleTrn: volcengineRoleTrn,
  })
  .strict();

export const grant = z.discriminatedUnion('provider', [awsGrant, volcengineGrant]);

export const grantsFile = z
  .object({
    version: z.literal(1),
    grants: z.array(grant),
    auditors: z.array(callerRef).default([]).describe('Who may query the audit trail.'),
    deniedCallers: z
      .array(callerRef)
      .default([])
      .describe('Kill switch for callers: denied whatever grants name them.'),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.grants.forEach((g, index) => {
      if (seen.has(g.id))
        ctx.addIssue({
          code: 'custom',
          path: ['grants', index, 'id'],
          message: `duplicate grant id ${g.id}`,
        });
      seen.add(g.id);
      const max = g.maxDurationSeconds ?? DURATION_LIMITS.max;
      if (g.defaultDurationSeconds !== undefined && g.defaultDurationSeconds > max) {
        ctx.addIssue({
          code: 'custom',
          path: ['grants', index, 'defaultDurationSeconds'],
          message: 'must not exceed maxDurationSeconds',
        });
      }
    });
  });

export type GrantsFile = z.infer<typeof grantsFile>;
export type Grant = z.infer<typeof grant>;
export type AwsGrant = z.infer<typeof awsGrant>;
export type VolcengineGrant = z.infer<typeof volcengineGrant>;

/** The role identifier whatever the provider: ARN for AWS, TRN for Volcengine. */
export const grantRole = (g: Grant): string => (g.provider === 'aws' ? g.roleArn : g.roleTrn);
