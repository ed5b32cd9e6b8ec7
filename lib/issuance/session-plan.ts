/**
 * Planning the session of an authorized issuance: its duration within the grant's range,
 * its session policy within the grant's ceiling, and the names and tags that attribute it
 * to the caller (invariant 5: from the grant and the authenticated caller, never the body).
 * Everything here is pure; a refusal is a client error the use case audits as DENIED.
 */
import type { Grant } from '../config/grants-schema.js';
import type { Caller } from '../grants/caller.js';
import type { SessionRequest } from './assume-role-input.js';
import { boundDuration, type DurationRange } from './duration.js';
import { roleSessionName, sourceIdentity } from './session-identity.js';
import { chooseSessionPolicy, type SessionPolicy } from './session-policy.js';
import { renderSessionTags, tagSubjectOf } from './session-tags.js';

export interface SessionPlan {
  durationSeconds: number;
  durationRange: DurationRange;
  policy: SessionPolicy;
  roleSessionName: string;
  /** Derived for every caller; sent (and audited) for AWS grants only. */
  sourceIdentity: string;
  sessionTags: Record<string, string> | undefined;
}

export interface SessionAsked {
  durationSeconds?: number;
  policy?: unknown;
}

export function planSession(
  grant: Grant,
  caller: Caller,
  asked: SessionAsked,
  issuanceId: string,
  options: { roleChaining: boolean },
): SessionPlan {
  const { durationSeconds, range } = boundDuration(asked.durationSeconds, grant, options);
  return {
    durationSeconds,
    durationRange: range,
    policy: chooseSessionPolicy(grant, asked.policy),
    roleSessionName: roleSessionName(caller, issuanceId),
    sourceIdentity: sourceIdentity(caller),
    sessionTags: renderSessionTags(grant, tagSubjectOf(caller)),
  };
}

export const sessionRequestOf = (plan: SessionPlan): SessionRequest => ({
  roleSessionName: plan.roleSessionName,
  sourceIdentity: plan.sourceIdentity,
  durationSeconds: plan.durationSeconds,
  sessionTags: plan.sessionTags,
  policyDocument: plan.policy.document,
});
