/**
 * Who is calling, as the authorizer established it. AWS principals are matched by
 * account + role/user name (IAM names are unique per account whatever their path);
 * the session name of an assumed role is kept for attribution and never used to match
 * (invariant 2).
 */
import type { CallerRef } from '../contracts/fields.js';
import { ASSUMED_ROLE_ARN_PATTERN, IAM_PRINCIPAL_ARN_PATTERN } from '../contracts/limits.js';

export type Caller =
  | {
      kind: 'aws';
      /** The principal exactly as authenticated, e.g. arn:aws:sts::A:assumed-role/R/S. */
      principalArn: string;
      account: string;
      principalType: 'role' | 'user';
      /** Role or user name: what grants match on. */
      name: string;
      /** Session name of an assumed-role caller, for attribution only. */
      sessionName?: string;
      /** Stable matching key: aws:{account}:{role|user}/{name}. */
      key: string;
    }
  | { kind: 'oidc'; issuer: string; subject: string; name: string; key: string };

const awsKey = (account: string, type: 'role' | 'user', name: string) => `aws:${account}:${type}/${name}`;
const oidcKey = (issuer: string, subject: string) => `oidc:${issuer}#${subject}`;

/** Normalizes an authenticated AWS principal ARN; undefined when it is not a shape we accept. */
export function awsCaller(principalArn: string): Caller | undefined {
  const assumed = ASSUMED_ROLE_ARN_PATTERN.exec(principalArn);
  if (assumed) {
    const [, , account = '', name = '', sessionName] = assumed;
    return {
      kind: 'aws',
      principalArn,
      account,
      principalType: 'role',
      name,
      sessionName,
      key: awsKey(account, 'role', name),
    };
  }
  const iam = IAM_PRINCIPAL_ARN_PATTERN.exec(principalArn);
  if (iam) {
    const [, , account = '', type, name = ''] = iam;
    const principalType = type === 'user' ? 'user' : 'role';
    return {
      kind: 'aws',
      principalArn,
      account,
      principalType,
      name,
      key: awsKey(account, principalType, name),
    };
  }
  return undefined;
}

export function oidcCaller(issuer: string, subject: string): Caller {
  return { kind: 'oidc', issuer, subject, name: subject, key: oidcKey(issuer, subject) };
}

/** The matching key of a caller named in the grants file. */
export function callerRefKey(ref: CallerRef): string {
  if (typeof ref !== 'string') return oidcKey(ref.issuer, ref.subject);
  const normalized = awsCaller(ref);
  // The schema already guarantees the shape; an unmatchable key can never equal a caller's.
  return normalized ? normalized.key : `invalid:${ref}`;
}

/** The raw principal for audit: ARN for AWS, issuer#subject for OIDC. */
export const callerPrincipal = (caller: Caller): string =>
  caller.kind === 'aws' ? caller.principalArn : `${caller.issuer}#${caller.subject}`;
