/**
 * The two STS actions the broker uses. Inputs are already authenticated; each returns the
 * `<{Action}Result>` element tree or throws an StsError.
 */
import type { SigningIdentity } from '../auth/sigv4-verifier.js';
import { accessDenied } from './errors.js';
import { checkDuration, DEFAULT_DURATION_SECONDS, packedPolicyPercent, parseAssumeRole } from './limits.js';
import { accountOf, isRoleSession, trusts, userIdOf } from './principals.js';
import type { QueryParams } from './query.js';
import type { IssuedSession, SessionStore } from './sessions.js';
import type { EmulatedRole } from './types.js';
import type { XmlElement } from './xml.js';

export interface ActionContext {
  caller: SigningIdentity;
  /** Set when the caller signed with credentials this emulator issued. */
  callerSession: IssuedSession | undefined;
  params: QueryParams;
  roles: ReadonlyMap<string, EmulatedRole>;
  sessions: SessionStore;
  now: Date;
}

/** ISO 8601 in whole seconds, as STS writes Expiration. */
const stsTimestamp = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function assumeRole(context: ActionContext): XmlElement {
  const { caller, callerSession } = context;
  const input = parseAssumeRole(context.params);
  const role = context.roles.get(input.roleArn);
  const externalIdMatches = role?.externalId === undefined || role.externalId === input.externalId;
  if (role === undefined || !trusts(role.trustedPrincipals, caller.principalArn) || !externalIdMatches) {
    throw accessDenied(caller.principalArn, input.roleArn);
  }
  // A source identity, once set, follows the session through every chained role.
  const inherited = callerSession?.sourceIdentity;
  if (inherited !== undefined && input.sourceIdentity !== undefined && inherited !== input.sourceIdentity) {
    throw accessDenied(caller.principalArn, input.roleArn);
  }
  const sourceIdentity = input.sourceIdentity ?? inherited;
  checkDuration(
    input.durationSeconds,
    role.maxSessionDurationSeconds ?? DEFAULT_DURATION_SECONDS,
    isRoleSession(caller.principalArn),
  );
  const packedPolicySize = packedPolicyPercent(input);
  const session = context.sessions.issue({
    roleArn: role.arn,
    sessionName: input.roleSessionName,
    durationSeconds: input.durationSeconds,
    now: context.now,
    ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
  });
  return {
    SourceIdentity: sourceIdentity,
    AssumedRoleUser: { AssumedRoleId: session.assumedRoleId, Arn: session.principalArn },
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      Expiration: stsTimestamp(session.expiration),
    },
    PackedPolicySize: packedPolicySize,
  };
}

export function getCallerIdentity(context: ActionContext): XmlElement {
  const { caller, callerSession } = context;
  return {
    Arn: caller.principalArn,
    UserId: callerSession?.assumedRoleId ?? userIdOf(caller.principalArn),
    Account: accountOf(caller.principalArn),
  };
}
