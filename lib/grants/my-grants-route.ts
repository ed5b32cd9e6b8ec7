/**
 * GET /v1/grants/mine (any authenticated caller): the grants this caller may use, described
 * as issuance applies them, so a caller can see what it may ask for before it asks: the
 * effective duration range (role chaining included) and the ceiling policy its request
 * policies must lie inside.
 *
 * Exactly the grants POST /v1/credentials would accept by id: a disabled grant, or a caller
 * on the kill switch, lists nothing, because an issuance refusal says no more than a generic
 * 403 either. Never shown: external ids, the other callers of a grant, session tag values.
 *
 * Charged to the caller's `requests` budget like its issuance requests, so polling this
 * route cannot be used to get around the per-caller limit; it decides nothing about
 * credentials and writes no audit record.
 */
import type { Grant } from '../config/grants-schema.js';
import {
  listMyGrantsContract,
  type MyGrantBody,
  type MyGrantsListBody,
} from '../contracts/list-my-grants.js';
import { rateLimited } from '../errors.js';
import type { Route } from '../http/handler.js';
import { defaultDuration, durationRange } from '../issuance/duration.js';
import type { RateBudget, RateLimiter } from '../issuance/ports.js';
import type { AllowList } from './allow-list.js';
import { grantIdentity, sessionTagKeys } from './grant-summary.js';

export interface MyGrantsRouteDeps {
  allowList: Pick<AllowList, 'grantsOf'>;
  rateLimiter: RateLimiter;
  /** The caller's `requests` budget per minute, shared with its issuance requests. */
  requestsPerMinute: number;
  /** The broker runs on a role session: STS caps chained sessions at one hour. */
  roleChaining: boolean;
}

export function myGrantsRoute(deps: MyGrantsRouteDeps): Route<undefined, Record<string, never>> {
  const requests: RateBudget = { name: 'requests', limitPerMinute: deps.requestsPerMinute };
  return {
    name: 'my-grants',
    query: listMyGrantsContract.request.query,
    async handle({ caller, facts }) {
      const known = deps.rateLimiter.knownOver(caller, [requests]);
      if (known) throw rateLimited(known.retryAfterSeconds);
      const verdict = await deps.rateLimiter.charge(caller, [requests], facts.budget);
      if (verdict.over) throw rateLimited(verdict.retryAfterSeconds);
      const body: MyGrantsListBody = {
        grants: deps.allowList.grantsOf(caller).map((grant) => describeOwnGrant(grant, deps)),
      };
      return { status: 200, body };
    },
  };
}

/** The same duration arithmetic as issuance (lib/issuance/duration.ts), so the range shown is the one enforced. */
function describeOwnGrant(grant: Grant, options: { roleChaining: boolean }): MyGrantBody {
  const range = durationRange(grant, options);
  return {
    ...grantIdentity(grant),
    minDurationSeconds: range.min,
    defaultDurationSeconds: defaultDuration(grant, range),
    maxDurationSeconds: range.max,
    maxDurationSetBy: range.maxSetBy,
    ceilingPolicy: grant.policy ?? null,
    sessionTags: sessionTagKeys(grant),
  };
}
