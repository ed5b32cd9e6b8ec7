/**
 * Chooses the session policy sent to STS. A request policy must be contained in the
 * grant's ceiling (invariant 7); with no request policy the ceiling itself is sent, so
 * a grant with a ceiling never yields a session wider than it.
 */
import { createHash } from 'node:crypto';
import type { Grant } from '../config/grants-schema.js';
import { grantMisconfigured, invalidPolicy, policyOutsideCeiling } from '../errors.js';
import { type ContainmentVerdict, checkContainment, parsePolicyDocument } from '../policy/index.js';

export interface SessionPolicy {
  source: 'request' | 'ceiling' | 'none';
  /** Minified JSON sent as Policy, absent when no session policy applies. */
  document?: string;
  size: number;
  sha256?: string;
  containment?: ContainmentVerdict;
}

export function chooseSessionPolicy(grant: Grant, requested: unknown): SessionPolicy {
  const ceiling =
    grant.policy === undefined ? undefined : parsePolicyDocument(grant.policy, grant.provider, 'ceiling');
  if (ceiling && !ceiling.ok) {
    // The grants file is validated at cold start; reaching this is a broker bug.
    throw grantMisconfigured(`ceiling policy of ${grant.id} does not parse`);
  }
  if (requested === undefined) {
    return ceiling ? described('ceiling', ceiling.minified) : { source: 'none', size: 0 };
  }
  const request = parsePolicyDocument(requested, grant.provider, 'request');
  if (!request.ok) {
    throw invalidPolicy(
      request.issues.map((issue) => ({ path: `policy${issue.path.slice(1)}`, message: issue.reason })),
    );
  }
  if (!ceiling) return described('request', request.minified);
  const containment = checkContainment(request.policy, ceiling.policy, grant.provider);
  if (!containment.contained) {
    throw policyOutsideCeiling(containment.explanation);
  }
  return { ...described('request', request.minified), containment };
}

const described = (source: 'request' | 'ceiling', document: string): SessionPolicy => ({
  source,
  document,
  size: document.length,
  sha256: createHash('sha256').update(document).digest('hex'),
});
