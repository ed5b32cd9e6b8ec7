/**
 * RoleSessionName and SourceIdentity are derived from the authenticated caller, never
 * from the request (invariant 5), so CloudTrail in the target account shows who holds
 * each session. Both must be 2-64 characters of [\w+=,.@-].
 */
import { createHash } from 'node:crypto';
import type { Caller } from '../grants/caller.js';

const MAX = 64;
const ALLOWED = /[^\w+=,.@-]/g;

const sanitize = (text: string) => text.replace(ALLOWED, '-');

/**
 * Caller name plus the tail of the issuance id: readable and unique per issuance. At most 64
 * characters by construction (sanitize replaces character for character); padded to STS's
 * minimum of 2 only when both the name and the id are empty.
 */
export function roleSessionName(caller: Caller, issuanceId: string): string {
  // The id comes from an injected generator: sanitize it too, STS refuses the whole call otherwise.
  const suffix = sanitize(`.${issuanceId.slice(-10)}`);
  return (sanitize(caller.name).slice(0, MAX - suffix.length) + suffix).padEnd(2, '-');
}

/** Characters of the caller digest: base64url is inside STS's alphabet ([\w-] ⊂ [\w+=,.@-]). */
const DIGEST_LENGTH = 12;

/**
 * SourceIdentity persists through role chaining and cannot be changed by the session
 * holder, and `broker revoke` denies sessions by it, so two callers must never share one.
 * A readable name alone cannot promise that: AWS role `oidc.svc` and OIDC subject `svc`,
 * or one role name in two accounts, would meet, and cutting at 64 characters merges more.
 * So it is the readable name (role or user name, or `oidc.` + subject) cut to fit, a `.`,
 * then 12 base64url characters (72 bits) of SHA-256 over the caller's matching key, which
 * names account, principal type, issuer and subject exactly.
 */
export function sourceIdentity(caller: Caller): string {
  const readable = sanitize(caller.kind === 'aws' ? caller.name : `oidc.${caller.subject}`);
  const digest = createHash('sha256').update(caller.key, 'utf8').digest('base64url').slice(0, DIGEST_LENGTH);
  return `${readable.slice(0, MAX - DIGEST_LENGTH - 1)}.${digest}`;
}
