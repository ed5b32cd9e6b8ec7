/**
 * POST /v1/credentials request. Strict: unknown fields are refused, so a body that tries
 * to set externalId, roleSessionName, sourceIdentity or tags gets a 400 (invariant 5).
 */
import * as z from 'zod';

const ASCII_ROLE =
  /^(?:arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/[\x21-\x7e]{1,576}|trn:iam::\d{1,20}:role\/[\w+=,.@-]{1,64})$/;

export const issueRequestSchema = z
  .object({
    grant: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/)
      .optional()
      .describe('Grant id from the grants file (or give roleArn).'),
    roleArn: z
      .string()
      .regex(ASCII_ROLE, { message: 'must be an IAM role ARN or a Volcengine role TRN' })
      .optional(),
    durationSeconds: z.number().int().optional().describe('Integer seconds within the grant range.'),
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

export type IssueRequestBody = z.infer<typeof issueRequestSchema>;

const credentials = z.object({
  accessKeyId: z.string(),
  secretAccessKey: z.string(),
  sessionToken: z.string(),
  expiration: z.string().describe('ISO 8601'),
});

export const issuedResponseSchema = z.object({
  issuanceId: z.string(),
  grant: z.string(),
  provider: z.enum(['aws', 'volcengine']),
  roleArn: z.string(),
  assumedRoleArn: z.string(),
  sourceIdentity: z.string().optional(),
  durationSeconds: z.number().int(),
  credentials,
});
