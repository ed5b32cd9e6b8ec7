/**
 * Response bodies of POST /v1/credentials. Secrets appear in exactly one place, the
 * `credentials` object of an issued response, built only after the ISSUED record committed.
 */
import { type Grant, grantRole } from '../config/grants-schema.js';
import type { DryRunDecisionBody, IssuedCredentialsBody } from '../contracts/issue-credentials.js';
import { sentSourceIdentity } from './assume-role-input.js';
import type { IssuedSession } from './ports.js';
import type { SessionPlan } from './session-plan.js';

/** The 201 and the dry-run 200 bodies, as the route contract defines them. */
export type IssuedResponse = IssuedCredentialsBody;
export type DryRunResponse = DryRunDecisionBody;

export function toIssuedResponse(
  issuanceId: string,
  grant: Grant,
  durationSeconds: number,
  session: IssuedSession,
): IssuedResponse {
  return {
    issuanceId,
    grant: grant.id,
    provider: grant.provider,
    roleArn: grantRole(grant),
    assumedRoleArn: session.assumedRoleArn,
    sourceIdentity: session.sourceIdentity,
    durationSeconds,
    credentials: {
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
      expiration: session.expiration.toISOString(),
    },
  };
}

export function toDryRunResponse(issuanceId: string, grant: Grant, plan: SessionPlan): DryRunResponse {
  return {
    dryRun: true,
    decision: 'allow',
    issuanceId,
    grant: grant.id,
    provider: grant.provider,
    roleArn: grantRole(grant),
    durationSeconds: plan.durationSeconds,
    durationRange: plan.durationRange,
    roleSessionName: plan.roleSessionName,
    sourceIdentity: sentSourceIdentity(grant, plan.sourceIdentity),
    sessionTags: plan.sessionTags,
    sessionPolicy: {
      source: plan.policy.source,
      document: plan.policy.document === undefined ? undefined : JSON.parse(plan.policy.document),
      size: plan.policy.size,
      sha256: plan.policy.sha256,
    },
    containment: plan.policy.containment,
  };
}
