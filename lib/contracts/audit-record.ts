/**
 * An audit record as auditors receive it: one decision of the broker, never a secret
 * (the shape has no place for a secret access key or a session token).
 */
import * as z from 'zod';
import { count, durationSeconds } from './fields.js';

/**
 * INTENT opens an issuance; ISSUED, FAILED, RATE_LIMITED or UNKNOWN (sent, no answer: a
 * session may exist) closes it. DENIED, DRY_RUN, RATE_LIMITED and AUDIT_DENIED also stand
 * alone; VERIFY is the scheduled grant check.
 */
export const AUDIT_DECISIONS = [
  'INTENT',
  'ISSUED',
  'FAILED',
  'UNKNOWN',
  'DENIED',
  'DRY_RUN',
  'RATE_LIMITED',
  'AUDIT_DENIED',
  'VERIFY',
] as const;
export const auditDecision = z.enum(AUDIT_DECISIONS);
export type AuditDecision = z.infer<typeof auditDecision>;

export const auditRecord = z
  .object({
    issuanceId: z.string(),
    decision: auditDecision,
    at: z.string().describe('ISO 8601 time of this record'),
    callerKey: z.string().describe('Stable caller key: aws:{account}:role/{name} or oidc:{issuer}#{sub}'),
    callerPrincipal: z
      .string()
      .describe('The principal as authenticated (assumed-role ARN with session, or issuer#subject)'),
    callerKind: z.enum(['aws', 'oidc']),
    reason: z.string().optional(),
    detail: z.string().optional().describe('Internal detail (provider messages): for auditors only'),
    grantId: z.string().optional(),
    provider: z.string().optional(),
    roleArn: z.string().optional(),
    durationSeconds: durationSeconds.optional(),
    durationBound: z.string().optional(),
    expiration: z.string().optional(),
    accessKeyId: z.string().optional(),
    assumedRoleArn: z.string().optional(),
    sourceIdentity: z.string().optional(),
    roleSessionName: z.string().optional(),
    policySha256: z.string().optional(),
    policySize: count.optional(),
    packedPolicySize: count.optional(),
    requestId: z.string().optional(),
    sourceIp: z.string().optional(),
    userAgent: z.string().optional(),
  })
  .describe(
    'An audit record: who, what role, grant, decision, reason, duration, expiry, accessKeyId (never a secret)',
  );

export type AuditRecordBody = z.infer<typeof auditRecord>;

export type AuditRecordField = keyof AuditRecordBody;

/**
 * Every field of an audit record, in the order exports show them (the columns of
 * `broker audit --format csv`): when and what, who, the session, why, then the request.
 * test/unit/contracts/audit-record.test.ts checks it names each field of `auditRecord` once.
 */
export const AUDIT_RECORD_FIELDS = [
  'at',
  'decision',
  'issuanceId',
  'callerKey',
  'callerPrincipal',
  'callerKind',
  'grantId',
  'provider',
  'roleArn',
  'durationSeconds',
  'durationBound',
  'expiration',
  'accessKeyId',
  'assumedRoleArn',
  'sourceIdentity',
  'roleSessionName',
  'reason',
  'detail',
  'policySha256',
  'policySize',
  'packedPolicySize',
  'requestId',
  'sourceIp',
  'userAgent',
] as const satisfies readonly AuditRecordField[];
