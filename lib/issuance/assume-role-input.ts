/**
 * The AssumeRole call for a grant, built in one place for the issuance and for the
 * scheduled grant check: the check must send exactly what an issuance sends (external id,
 * SourceIdentity, session tags, policy), or it would prove nothing about the next issuance.
 */
import { type Grant, grantRole } from '../config/grants-schema.js';
import type { AssumeRoleInput } from './ports.js';

/** What the session is asked for, besides what the grant fixes. */
export interface SessionRequest {
  roleSessionName: string;
  /** Sent to AWS only: Volcengine has no SourceIdentity. */
  sourceIdentity: string;
  durationSeconds: number;
  sessionTags: Record<string, string> | undefined;
  /** Minified session policy JSON, if any. */
  policyDocument: string | undefined;
}

/** SourceIdentity as sent (and audited): AWS only. */
export const sentSourceIdentity = (grant: Grant, sourceIdentity: string) =>
  grant.provider === 'aws' ? sourceIdentity : undefined;

export function assumeRoleInput(grant: Grant, session: SessionRequest): AssumeRoleInput {
  return {
    roleArn: grantRole(grant),
    roleSessionName: session.roleSessionName,
    sourceIdentity: sentSourceIdentity(grant, session.sourceIdentity),
    durationSeconds: session.durationSeconds,
    // From the grant only, never from the request (invariant 5).
    externalId: grant.provider === 'aws' ? grant.externalId : undefined,
    sessionTags: session.sessionTags,
    policy: session.policyDocument,
  };
}
