/**
 * GET /v1/grants (auditors only): every grant of the running configuration with the
 * result of its last scheduled check, read from the newest VERIFY records (Query on the
 * byDecision index, newest first, bounded in reads and time).
 */
import type { AuditReader } from '../../lib/audit/queries.js';
import { type AuditRecordView, toRecordView } from '../../lib/audit/view.js';
import type { Budget } from '../../lib/budget.js';
import { type Grant, grantRole } from '../../lib/config/grants-schema.js';
import { forbidden } from '../../lib/errors.js';
import type { AllowList } from '../../lib/grants/allow-list.js';
import type { Route } from '../../lib/http/handler.js';

export interface LastCheck {
  at: string;
  status: 'ok' | 'failed';
  reason: string;
  detail?: string;
  checkId: string;
}

export type LatestChecks = (grantIds: readonly string[], budget: Budget) => Promise<Map<string, LastCheck>>;

export interface LatestChecksOptions {
  clock: () => Date;
  /** Look no further back than this (default 30 days): older results say little. */
  lookbackMs?: number;
  pageSize?: number;
  maxReads?: number;
}

/** Newest VERIFY record per grant; stops as soon as every grant asked for has one. */
export function makeLatestChecks(reader: AuditReader, options: LatestChecksOptions): LatestChecks {
  const lookbackMs = options.lookbackMs ?? 30 * 86_400_000;
  const pageSize = options.pageSize ?? 200;
  const maxReads = options.maxReads ?? 10;
  return async (grantIds, budget) => {
    const wanted = new Set(grantIds);
    const found = new Map<string, LastCheck>();
    const from = new Date(options.clock().getTime() - lookbackMs).toISOString();
    let startKey: Record<string, string> | undefined;
    for (let reads = 0; reads < maxReads && found.size < wanted.size; reads++) {
      const page = await reader.queryIndex(
        {
          index: 'byDecision',
          partitionAttribute: 'decision',
          partition: 'VERIFY',
          range: { from },
          postFilters: {},
          limit: pageSize,
          ...(startKey ? { startKey } : {}),
        },
        budget,
      );
      for (const record of page.items.map(toRecordView)) {
        const grantId = record.grantId;
        if (grantId !== undefined && wanted.has(grantId) && !found.has(grantId))
          found.set(grantId, lastCheckOf(record));
      }
      if (!page.lastKey) break;
      startKey = page.lastKey;
    }
    return found;
  };
}

function lastCheckOf(record: AuditRecordView): LastCheck {
  const reason = record.reason ?? 'unknown';
  return {
    at: record.at,
    status: reason === 'ok' ? 'ok' : 'failed',
    reason,
    ...(record.detail ? { detail: record.detail } : {}),
    checkId: record.issuanceId,
  };
}

export interface ListGrantsDeps {
  allowList: Pick<AllowList, 'isAuditor' | 'grants'>;
  latestChecks: LatestChecks;
  deniedCallers: readonly unknown[];
}

export function listGrantsRoute(deps: ListGrantsDeps): Route {
  return {
    name: 'list-grants',
    async handle({ caller, facts }) {
      if (!deps.allowList.isAuditor(caller)) throw forbidden('caller is not an auditor');
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
        },
      };
    },
  };
}

/** What an auditor needs to review a grant; the external id itself stays in the config. */
function describeGrant(grant: Grant) {
  return {
    id: grant.id,
    ...(grant.description ? { description: grant.description } : {}),
    provider: grant.provider,
    role: grantRole(grant),
    disabled: grant.disabled,
    callers: grant.callers,
    defaultDurationSeconds: grant.defaultDurationSeconds ?? 900,
    maxDurationSeconds: grant.maxDurationSeconds ?? null,
    ceilingPolicy: grant.policy !== undefined,
    externalId: grant.provider === 'aws' && grant.externalId !== undefined,
    sessionTags: grant.provider === 'aws' ? Object.keys(grant.sessionTags ?? {}) : [],
  };
}
