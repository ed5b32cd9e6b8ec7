/**
 * GET /v1/grants (auditors only): every grant of the running configuration with the
 * result of its last scheduled check (lib/audit/latest-checks.ts). The caller is admitted
 * like every audit route (rate, then auditor; a refusal is recorded as AUDIT_DENIED).
 */
import type { AdmitAuditor } from '../audit/audit-gate.js';
import type { LatestChecks } from '../audit/latest-checks.js';
import type { Grant } from '../config/grants-schema.js';
import type { GrantsListBody } from '../contracts/list-grants.js';
import type { Route } from '../http/handler.js';
import type { AllowList } from './allow-list.js';
import { grantIdentity, sessionTagKeys } from './grant-summary.js';

export interface ListGrantsDeps {
  allowList: Pick<AllowList, 'grants'>;
  admitAuditor: AdmitAuditor;
  latestChecks: LatestChecks;
  deniedCallers: GrantsListBody['deniedCallers'];
}

export function listGrantsRoute(deps: ListGrantsDeps): Route {
  return {
    name: 'list-grants',
    async handle({ caller, facts }) {
      await deps.admitAuditor(caller, facts, 'list-grants');
      const grants = deps.allowList.grants();
      const checks = await deps.latestChecks(
        grants.filter((g) => !g.disabled).map((g) => g.id),
        facts.budget,
      );
      return {
        status: 200,
        body: {
          grants: grants.map((grant) => ({
            ...describeGrant(grant),
            lastCheck: checks.get(grant.id) ?? null,
          })),
          deniedCallers: deps.deniedCallers,
        } satisfies GrantsListBody,
      };
    },
  };
}

/** What an auditor needs to review a grant; the external id itself stays in the config. */
function describeGrant(grant: Grant) {
  return {
    ...grantIdentity(grant),
    disabled: grant.disabled,
    callers: grant.callers,
    defaultDurationSeconds: grant.defaultDurationSeconds ?? 900,
    maxDurationSeconds: grant.maxDurationSeconds ?? null,
    ceilingPolicy: grant.policy !== undefined,
    externalId: grant.provider === 'aws' && grant.externalId !== undefined,
    sessionTags: sessionTagKeys(grant),
  };
}
