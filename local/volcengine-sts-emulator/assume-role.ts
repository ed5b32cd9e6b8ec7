/**
 * AssumeRole as the Volcengine STS emulator performs it once the signature is good: the
 * documented parameters, role trust (which sub-users may assume a role), duration clamping
 * like the real service (out-of-range values are silently clamped, not refused: the broker
 * must check them itself), and the documented response shape with fresh random credentials.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EmulatorIdentity } from './verify-signature.js';

export interface EmulatorRole {
  trn: string;
  /** Sub-user TRNs (`trn:iam::{account}:user/{name}`), or `trn:iam::{account}:root` for any sub-user of an account. */
  trustedPrincipals: string[];
}

export interface IssuedCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  ExpiredTime: string;
  CurrentTime: string;
}

export type AssumeRoleOutcome =
  | {
      ok: true;
      credentials: IssuedCredentials;
      assumedRoleUser: { Trn: string; AssumedRoleId: string };
      effectiveDurationSeconds: number;
    }
  | { ok: false; status: number; code: string; message: string };

export const DURATION_LIMITS = { min: 900, max: 43_200, default: 3_600 } as const;

const ROLE_TRN = /^trn:iam::(\d+):role\/([\w+=,.@-]{1,64})$/;
const SUB_USER_TRN = /^trn:iam::(\d+):user\/[\w+=,.@-]{1,64}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

const fail = (status: number, code: string, message: string): AssumeRoleOutcome => ({
  ok: false,
  status,
  code,
  message,
});

/** ISO 8601 in UTC+8 with an explicit offset, the way the real service writes its times. */
export function beijingTime(date: Date): string {
  const shifted = new Date(date.getTime() + 8 * 3600 * 1000);
  return `${shifted.toISOString().replace(/\.\d{3}Z$/, '')}+08:00`;
}

const randomToken = (bytes: number) => randomBytes(bytes).toString('base64url');

function isTrusted(role: EmulatorRole, principalArn: string): boolean {
  const account = SUB_USER_TRN.exec(principalArn)?.[1];
  return role.trustedPrincipals.some(
    (trusted) =>
      trusted === principalArn || (account !== undefined && trusted === `trn:iam::${account}:root`),
  );
}

export function assumeRole(
  query: Readonly<Record<string, string>>,
  caller: EmulatorIdentity,
  roles: readonly EmulatorRole[],
  now: Date,
): AssumeRoleOutcome {
  const { RoleTrn: roleTrn, RoleSessionName: sessionName, DurationSeconds: duration, Policy: policy } = query;
  if (!roleTrn) return fail(400, 'MissingParameter', 'RoleTrn is required.');
  if (!sessionName) return fail(400, 'MissingParameter', 'RoleSessionName is required.');
  const roleMatch = ROLE_TRN.exec(roleTrn);
  if (!roleMatch) return fail(400, 'InvalidParameter', 'RoleTrn is malformed.');
  if (!SESSION_NAME.test(sessionName)) return fail(400, 'InvalidParameter', 'RoleSessionName is malformed.');
  if (duration !== undefined && !/^-?\d+$/.test(duration)) {
    return fail(400, 'InvalidParameter', 'DurationSeconds must be an integer.');
  }
  if (policy !== undefined && !isJsonObject(policy))
    return fail(400, 'InvalidParameter', 'Policy is not valid JSON.');
  // The main account cannot assume roles: only IAM sub-users can (Volcengine's cross-account
  // temporary authorization).
  if (!SUB_USER_TRN.test(caller.principalArn)) {
    return fail(403, 'AccessDenied', 'Only IAM sub-users may assume roles.');
  }
  const role = roles.find((candidate) => candidate.trn === roleTrn);
  if (!role) return fail(403, 'AccessDenied', `Role ${roleTrn} does not exist or is not assumable.`);
  if (!isTrusted(role, caller.principalArn)) {
    return fail(403, 'AccessDenied', `${caller.principalArn} is not trusted by ${roleTrn}.`);
  }

  const requested = duration === undefined ? DURATION_LIMITS.default : Number(duration);
  // Clamped, not refused: this is the real service's behaviour the broker guards against.
  const effectiveDurationSeconds = Math.min(DURATION_LIMITS.max, Math.max(DURATION_LIMITS.min, requested));
  const [, accountId = '', roleName = ''] = roleMatch;
  const roleId = BigInt(`0x${createHash('sha256').update(roleTrn).digest('hex').slice(0, 12)}`).toString();
  return {
    ok: true,
    effectiveDurationSeconds,
    credentials: {
      AccessKeyId: `AKTP${randomToken(24)}`,
      SecretAccessKey: randomToken(30),
      SessionToken: `STS${randomBytes(96).toString('base64')}`,
      ExpiredTime: beijingTime(new Date(now.getTime() + effectiveDurationSeconds * 1000)),
      CurrentTime: beijingTime(now),
    },
    assumedRoleUser: {
      Trn: `trn:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      AssumedRoleId: `${roleId}:${sessionName}`,
    },
  };
}

function isJsonObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}
