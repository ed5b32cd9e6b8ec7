/**
 * POST /v1/credentials (and /v1/oidc/credentials): short-lived credentials for a granted
 * role, or with `dryRun: true` the decision and why, nothing minted.
 */
import * as z from 'zod';
import { count, durationSeconds, grantId, isoInstant, provider } from './fields.js';
import { DURATION_BOUNDS, DURATION_LIMITS, REQUESTED_ROLE_PATTERN } from './limits.js';
import { defineRoute } from './route.js';

/**
 * Strict: unknown fields are refused, so a body that tries to set externalId,
 * roleSessionName, sourceIdentity or tags gets a 400 (they come from the grant only).
 */
export const issueRequest = z
  .object({
    grant: grantId.optional().describe('Grant id from the grants file (or give roleArn).'),
    roleArn: z
      .string()
      .regex(REQUESTED_ROLE_PATTERN, { message: 'must be an IAM role ARN or a Volcengine role TRN' })
      .optional()
      .describe('Target role, when exactly one of the caller’s grants names it (or give grant).'),
    // Only an integer here: the range depends on the grant, and the use case answers 400
    // duration_out_of_range with that range. The bounds below are what any provider accepts.
    durationSeconds: z
      .number()
      .int()
      .optional()
      .meta({ minimum: DURATION_LIMITS.min, maximum: DURATION_LIMITS.max })
      .describe('Integer seconds within the grant range.'),
    policy: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Session policy; must be inside the grant ceiling.'),
    dryRun: z.boolean().optional().describe('Explain the decision without minting.'),
  })
  .strict()
  .refine((body) => (body.grant === undefined) !== (body.roleArn === undefined), {
    message: 'give exactly one of grant or roleArn',
    path: ['grant'],
  });

export type IssueRequestBody = z.infer<typeof issueRequest>;

/** Exactly one of a grant id or a role: how a client names what it wants. */
export type GrantSelector = { grant: string; roleArn?: never } | { roleArn: string; grant?: never };

export const sessionCredentials = z.object({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().min(1),
  expiration: isoInstant,
});

/** 201: the one answer that carries secrets, sent only after the ISSUED record committed. */
export const issuedCredentials = z.object({
  issuanceId: z.string(),
  grant: grantId,
  provider,
  roleArn: z.string(),
  assumedRoleArn: z.string(),
  sourceIdentity: z.string().optional(),
  durationSeconds,
  credentials: sessionCredentials,
});

export type IssuedCredentialsBody = z.infer<typeof issuedCredentials>;

export const durationRange = z.object({
  min: durationSeconds,
  max: durationSeconds,
  maxSetBy: z.enum(DURATION_BOUNDS).describe('Which limit set `max`'),
});

const uncoveredPair = z.object({
  statementIndex: count,
  action: z.string(),
  resource: z.string(),
  reason: z.string(),
});

const statementVerdict = z.object({
  statementIndex: count,
  sid: z.string().optional(),
  contained: z.boolean(),
  coveredBy: z.array(count).optional().describe('Ceiling statements that cover a pair of this one'),
  uncovered: z.array(uncoveredPair),
});

export const containmentVerdict = z.object({
  contained: z.boolean(),
  statements: z.array(statementVerdict),
  explanation: z.array(z.string()),
});

/** 200 to `dryRun: true`: the decision and why, nothing minted (a DRY_RUN audit record). */
export const dryRunDecision = z.object({
  dryRun: z.literal(true),
  decision: z.literal('allow'),
  issuanceId: z.string(),
  grant: grantId,
  provider,
  roleArn: z.string(),
  durationSeconds,
  durationRange,
  roleSessionName: z.string(),
  sourceIdentity: z.string().optional().describe('AWS only'),
  sessionTags: z.record(z.string(), z.string()).optional(),
  sessionPolicy: z.object({
    source: z.enum(['request', 'ceiling', 'none']),
    document: z.record(z.string(), z.unknown()).optional().describe('The policy that would be sent'),
    size: count.describe('Minified characters'),
    sha256: z.string().optional(),
  }),
  containment: containmentVerdict.optional().describe('When a request policy was checked against a ceiling'),
});

export type DryRunDecisionBody = z.infer<typeof dryRunDecision>;

export const issueCredentialsContract = defineRoute({
  operationId: 'issueCredentials',
  method: 'POST',
  path: '/v1/credentials',
  summary: 'Issue short-lived credentials for a granted role',
  description:
    'The caller is taken from the authorizer only. `dryRun: true` answers 200 with the decision and nothing minted.',
  request: { body: issueRequest },
  responses: {
    201: { description: 'Credentials issued', schema: issuedCredentials },
    200: {
      description: 'Dry run: the decision, the bounded duration and the session policy',
      schema: dryRunDecision,
    },
  },
  problems: {
    400: [
      'invalid_request',
      'duration_out_of_range',
      'invalid_policy',
      'policy_outside_ceiling',
      'ambiguous_role',
      'provider_rejected_request',
    ],
    403: ['not_allowed'],
    429: ['rate_limited'],
    500: ['grant_misconfigured', 'provider_auth_failed'],
    503: ['dependency_unavailable', 'provider_not_configured'],
  },
});
