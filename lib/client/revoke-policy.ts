/**
 * Revoking sessions already issued. STS sessions cannot be recalled, but IAM evaluates
 * the target role's policies on every request: an inline Deny on the caller's
 * SourceIdentity for tokens issued before now cuts off every session the broker minted
 * for that caller (SourceIdentity is set by the broker and cannot be changed by the
 * session holder, even through role chaining), while sessions issued later (after the
 * caller is re-allowed) are unaffected.
 */
import { shellQuote } from './formats.js';

export interface RevokeTarget {
  roleArn: string;
  sourceIdentity: string;
}

export function revokePolicy(sourceIdentity: string, issuedBefore: Date) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'RevokeBrokerSessions',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceIdentity': sourceIdentity },
          DateLessThan: { 'aws:TokenIssueTime': issuedBefore.toISOString() },
        },
      },
    ],
  };
}

/** put-role-policy takes the role name: the last path segment of the ARN. */
export function roleNameOf(roleArn: string): string {
  const resource = roleArn.split(':').slice(5).join(':');
  return resource.split('/').pop() ?? resource;
}

/** A policy name unique per identity and instant, so a second revoke does not replace the first. */
export function revokePolicyName(sourceIdentity: string, issuedBefore: Date): string {
  const stamp = issuedBefore
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `broker-revoke-${sourceIdentity}-${stamp}`.slice(0, 128);
}

export function putRolePolicyCommand(target: RevokeTarget, issuedBefore: Date): string {
  const document = JSON.stringify(revokePolicy(target.sourceIdentity, issuedBefore));
  return [
    'aws iam put-role-policy',
    `--role-name ${shellQuote(roleNameOf(target.roleArn))}`,
    `--policy-name ${shellQuote(revokePolicyName(target.sourceIdentity, issuedBefore))}`,
    `--policy-document ${shellQuote(document)}`,
  ].join(' ');
}
