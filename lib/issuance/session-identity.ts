/**
 * RoleSessionName and SourceIdentity are derived from the authenticated caller, never
 * from the request (invariant 5), so CloudTrail in the target account shows who holds
 * each session. Both must be 2-64 characters of [\w+=,.@-].
 */
import type { Caller } from '../grants/caller.js';

const MAX = 64;
const ALLOWED = /[^\w+=,.@-]/g;

const sanitize = (text: string) => text.replace(ALLOWED, '-');

/** Pads to the 2-character minimum and cuts at 64 without ending on a separator. */
function fit(text: string): string {
  const cut = text.length > MAX ? text.slice(0, MAX) : text;
  return cut.length >= 2 ? cut : `${cut}--`.slice(0, 2);
}

/** Caller name plus the tail of the issuance id: readable and unique per issuance. */
export function roleSessionName(caller: Caller, issuanceId: string): string {
  // The id comes from an injected generator: sanitize it too, STS refuses the whole call otherwise.
  const suffix = sanitize(`.${issuanceId.slice(-10)}`);
  return fit(sanitize(caller.name).slice(0, MAX - suffix.length) + suffix);
}

/**
 * SourceIdentity persists through role chaining and cannot be changed by the session
 * holder, so it names the caller itself (role or user name, or the OIDC subject).
 */
export function sourceIdentity(caller: Caller): string {
  const base = caller.kind === 'aws' ? caller.name : `oidc.${caller.subject}`;
  return fit(sanitize(base));
}
