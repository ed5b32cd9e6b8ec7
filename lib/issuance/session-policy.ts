/**
 * Chooses the session policy sent to STS. A request policy must be contained in the
 * grant's ceiling (invariant 7); with no request policy the ceiling itself is sent, so
 * a grant with a ceiling never yields a session wider than it.
 *
 * The ceiling's Deny statements that may overlap the request are sent along with it when
 * the result fits in AWS_MAX_POLICY_SIZE: they then bind the session as they bind the
 * ceiling, and the request need not stay clear of them. When it does not fit, the request
 * is sent alone and must not overlap any ceiling Deny.
 */
import { createHash } from 'node:crypto';
import type { Grant } from '../config/grants-schema.js';
import { grantMisconfigured, invalidPolicy, policyOutsideCeiling } from '../errors.js';
import {
  AWS_MAX_POLICY_SIZE,
  type ContainmentVerdict,
  checkContainment,
  type Policy,
  parsePolicyDocument,
  withCeilingDenies,
} from '../policy/index.js';

export interface SessionPolicy {
  source: 'request' | 'ceiling' | 'none';
  /** Minified JSON sent as Policy, absent when no session policy applies. */
  document?: string;
  size: number;
  sha256?: string;
  containment?: ContainmentVerdict;
}

interface Ceiling {
  policy: Policy;
  /** What is sent when the request names no policy: the ceiling itself. */
  sent: Readonly<SessionPolicy>;
}

/**
 * A grant's ceiling, parsed, minified and hashed once per grant: grants do not change once
 * loaded, and without this every issuance re-parsed and re-hashed the same document.
 */
const ceilings = new WeakMap<Grant, Ceiling>();

function ceilingOf(grant: Grant): Ceiling | undefined {
  if (grant.policy === undefined) return undefined;
  const known = ceilings.get(grant);
  if (known) return known;
  const parsed = parsePolicyDocument(grant.policy, grant.provider, 'ceiling');
  if (!parsed.ok) {
    // The grants file is validated at cold start; reaching this is a broker bug.
    throw grantMisconfigured(`ceiling policy of ${grant.id} does not parse`);
  }
  const ceiling = { policy: parsed.policy, sent: Object.freeze(described('ceiling', parsed.minified)) };
  ceilings.set(grant, ceiling);
  return ceiling;
}

export function chooseSessionPolicy(grant: Grant, requested: unknown): SessionPolicy {
  const ceiling = ceilingOf(grant);
  if (requested === undefined) return ceiling ? ceiling.sent : { source: 'none', size: 0 };
  const request = parsePolicyDocument(requested, grant.provider, 'request');
  if (!request.ok) {
    throw invalidPolicy(
      request.issues.map((issue) => ({ path: `policy${issue.path.slice(1)}`, message: issue.reason })),
    );
  }
  if (!ceiling) return described('request', request.minified);
  const withDenies = checkContainment(request.policy, ceiling.policy, grant.provider, {
    ceilingDenies: 'sent',
  });
  if (!withDenies.contained) throw policyOutsideCeiling(withDenies.explanation);
  const denies = withDenies.ceilingDenies ?? [];
  if (denies.length === 0) return { ...described('request', request.minified), containment: withDenies };
  // Volcengine documents no limit of its own; the appended form keeps within AWS's for both.
  const document = withCeilingDenies(requested, ceiling.policy, denies);
  if (document.length <= AWS_MAX_POLICY_SIZE) {
    return { ...described('request', document), containment: withDenies };
  }
  const alone = checkContainment(request.policy, ceiling.policy, grant.provider);
  if (!alone.contained) {
    throw policyOutsideCeiling([
      ...alone.explanation,
      `With the ceiling's Deny statements ${denies.join(', ')} appended, the policy would be ${document.length} characters (at most ${AWS_MAX_POLICY_SIZE}), so it is checked without them.`,
    ]);
  }
  return { ...described('request', request.minified), containment: alone };
}

const described = (source: 'request' | 'ceiling', document: string): SessionPolicy => ({
  source,
  document,
  size: document.length,
  sha256: createHash('sha256').update(document).digest('hex'),
});
