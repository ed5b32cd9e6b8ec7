/**
 * ARN arithmetic for principals and trust. An assumed-role session
 * `arn:aws:sts::A:assumed-role/R/S` is trusted as its role `arn:aws:iam::A:role/R` (the session
 * name never matters for trust), and `arn:aws:iam::A:root` in a trust list trusts account A.
 */
import { createHash } from 'node:crypto';

interface Arn {
  partition: string;
  service: string;
  account: string;
  resource: string;
}

function parseArn(arn: string): Arn | undefined {
  const [prefix, partition, service, _region, account, ...resource] = arn.split(':');
  if (prefix !== 'arn' || partition === undefined || service === undefined || account === undefined) {
    return undefined;
  }
  return { partition, service, account, resource: resource.join(':') };
}

export function accountOf(arn: string): string {
  return parseArn(arn)?.account ?? '';
}

/** `{ account, roleName }` of an IAM role ARN (path dropped) or of an assumed-role session. */
function roleOf(arn: string): { account: string; roleName: string; sessionName?: string } | undefined {
  const parsed = parseArn(arn);
  if (parsed === undefined) return undefined;
  const parts = parsed.resource.split('/');
  if (parsed.service === 'iam' && parts[0] === 'role' && parts.length >= 2) {
    return { account: parsed.account, roleName: parts[parts.length - 1] ?? '' };
  }
  if (parsed.service === 'sts' && parts[0] === 'assumed-role' && parts.length === 3) {
    return { account: parsed.account, roleName: parts[1] ?? '', sessionName: parts[2] ?? '' };
  }
  return undefined;
}

/** Whether the caller is itself a role session: then AssumeRole is role chaining (1 h cap). */
export function isRoleSession(principalArn: string): boolean {
  return roleOf(principalArn)?.sessionName !== undefined;
}

export function trusts(trustedPrincipals: readonly string[], callerArn: string): boolean {
  const callerRole = roleOf(callerArn);
  const callerAccount = accountOf(callerArn);
  return trustedPrincipals.some((trusted) => {
    if (trusted === callerArn) return true;
    const parsed = parseArn(trusted);
    if (parsed?.service === 'iam' && parsed.resource === 'root') return parsed.account === callerAccount;
    const trustedRole = roleOf(trusted);
    return (
      trustedRole !== undefined &&
      trustedRole.sessionName === undefined &&
      callerRole !== undefined &&
      trustedRole.account === callerRole.account &&
      trustedRole.roleName === callerRole.roleName
    );
  });
}

export function assumedRoleArn(roleArn: string, sessionName: string): string {
  const role = roleOf(roleArn);
  const partition = parseArn(roleArn)?.partition ?? 'aws';
  return `arn:${partition}:sts::${role?.account ?? ''}:assumed-role/${role?.roleName ?? ''}/${sessionName}`;
}

/** A stable unique id like IAM's (`AROA` + 17 characters), derived from the ARN. */
export function uniqueId(prefix: 'AROA' | 'AIDA', arn: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(arn).digest();
  let id = prefix;
  for (let i = 0; i < 17; i++) id += alphabet[(digest[i] ?? 0) % alphabet.length];
  return id;
}

/** The role id STS reports in AssumedRoleId (`AROA…:session`) for sessions of this role. */
export function roleId(roleArn: string): string {
  const role = roleOf(roleArn);
  return uniqueId('AROA', `arn:aws:iam::${role?.account ?? ''}:role/${role?.roleName ?? ''}`);
}

/** GetCallerIdentity's UserId: `AROA…:session` for role sessions, `AIDA…` for users. */
export function userIdOf(principalArn: string): string {
  const role = roleOf(principalArn);
  if (role === undefined) return uniqueId('AIDA', principalArn);
  return role.sessionName === undefined
    ? roleId(principalArn)
    : `${roleId(principalArn)}:${role.sessionName}`;
}
