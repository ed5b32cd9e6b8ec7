/**
 * The result of each grant's last scheduled check, read from the newest VERIFY records
 * (Query on the byDecision index, newest first, bounded in reads and time).
 */
import type { Budget } from '../budget.js';
import type { LastCheckBody } from '../contracts/list-grants.js';
import type { AuditReader } from './queries.js';
import { type AuditRecordView, toRecordView } from './view.js';

export type LastCheck = LastCheckBody;

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
