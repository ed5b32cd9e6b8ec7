/**
 * Session tags come from the grant only (invariant 5); their values may be templated
 * with facts of the authenticated caller. Placeholders are a closed list, checked when the
 * grants file loads (grants-schema.ts), so an unknown one never reaches STS.
 */
import type { Grant } from '../config/grants-schema.js';
import { grantMisconfigured } from '../errors.js';
import type { Caller } from '../grants/caller.js';

const PLACEHOLDER = /\{(caller\.name|caller\.account|caller\.id|grant\.id)\}/g;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/** Whom the session is for, as the `{caller.*}` placeholders see it. */
export interface TagSubject {
  name: string;
  /** The AWS account of the caller; empty for OIDC callers. */
  account: string;
  /** Principal ARN of an AWS caller, subject of an OIDC caller. */
  id: string;
}

export const tagSubjectOf = (caller: Caller): TagSubject => ({
  name: caller.name,
  account: caller.kind === 'aws' ? caller.account : '',
  id: caller.kind === 'aws' ? caller.principalArn : caller.subject,
});

export function renderSessionTags(grant: Grant, subject: TagSubject): Record<string, string> | undefined {
  if (grant.provider !== 'aws' || !grant.sessionTags) return undefined;
  const facts: Record<string, string> = {
    'caller.name': subject.name,
    'caller.account': subject.account,
    'caller.id': subject.id,
    'grant.id': grant.id,
  };
  const tags: Record<string, string> = {};
  for (const [key, template] of Object.entries(grant.sessionTags)) {
    const value = template.replace(PLACEHOLDER, (_, name: string) => facts[name] ?? '');
    // An OIDC subject may hold characters STS refuses in a tag value: fail as a grant
    // configuration problem rather than send a request STS will reject.
    if (!TAG_VALUE.test(value)) {
      throw grantMisconfigured(`session tag ${key} renders to a value STS does not accept`);
    }
    tags[key] = value;
  }
  return tags;
}
