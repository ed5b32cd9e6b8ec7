/**
 * The auditor's questions: list audit records by filters, newest first, in pages, and
 * show one issuance with its whole history. Each page is read with Queries on the index
 * the plan picked (never a Scan) and continues from a sealed cursor.
 *
 * Exactly once across pages: a page ends at the key of the last record it returned, and
 * the next page starts strictly after that key in descending ts order. Records written
 * meanwhile are newer, so they sort before the cursor and are neither returned nor
 * repeated by later pages of the same listing.
 */
import type { Budget } from '../budget.js';
import type { IssuanceHistoryBody } from '../contracts/get-issuance.js';
import type { AuditPageBody } from '../contracts/list-issuances.js';
import { invalidCursor } from '../errors.js';
import type { CursorPosition, CursorSealer } from './cursor.js';
import {
  type AuditFilters,
  type IndexName,
  type PlanOptions,
  planQuery,
  type QueryPlan,
} from './query-plan.js';
import type { TimeRange } from './time-range.js';
import { byTimeThenDecision, type StoredItem, toRecordView } from './view.js';

export type StartKey = Record<string, string>;

export interface IndexQuery {
  index: IndexName;
  partitionAttribute: string;
  partition: string;
  range: TimeRange;
  postFilters: Record<string, string>;
  startKey?: StartKey;
  /** Items DynamoDB evaluates in this call (before the FilterExpression). */
  limit: number;
}

/** Port: one DynamoDB Query per call, descending by ts. */
export interface AuditReader {
  queryIndex(query: IndexQuery, budget: Budget): Promise<{ items: StoredItem[]; lastKey?: StartKey }>;
  /** Every record of one issuance (Query on the table key). */
  issuanceRecords(issuanceId: string, budget: Budget): Promise<StoredItem[]>;
}

/** The answers of GET /v1/issuances and GET /v1/issuances/{id}, as their contracts define them. */
export type AuditPage = AuditPageBody;
export type IssuanceHistory = IssuanceHistoryBody;
export type IssuanceStatus = IssuanceHistory['status'];

export interface AuditQueriesDeps {
  reader: AuditReader;
  cursors: CursorSealer;
  clock: () => Date;
  plan?: Partial<Omit<PlanOptions, 'now'>>;
  /** Queries one page may spend before it answers with what it has and a cursor. */
  maxReadsPerPage?: number;
  /** Stop reading when less than this is left of the request budget. */
  reserveMs?: number;
}

/**
 * Decisions that settle an INTENT (VERIFY settles a grant check's). UNKNOWN is not one of them: the STS call was sent and got
 * no answer, so the issuance stays listed as unconfirmed until someone looks.
 */
const SETTLED = new Set<string>(['ISSUED', 'FAILED', 'RATE_LIMITED', 'VERIFY']);
const CHECK_CONCURRENCY = 8;

export function makeAuditQueries(deps: AuditQueriesDeps) {
  const maxReads = deps.maxReadsPerPage ?? 40;
  const reserveMs = deps.reserveMs ?? 1_000;
  const planOptions = () => ({ defaultHours: 24, maxDays: 31, ...deps.plan, now: deps.clock() });

  /**
   * INTENT records whose issuance has no outcome: one table Query per candidate. Stops
   * once more than `wanted` are kept, which is enough for the page to end inside the batch.
   */
  const keepUnconfirmed = async (candidates: StoredItem[], wanted: number, budget: Budget) => {
    const kept: StoredItem[] = [];
    for (let start = 0; start < candidates.length && kept.length <= wanted; start += CHECK_CONCURRENCY) {
      const chunk = candidates.slice(start, start + CHECK_CONCURRENCY);
      const histories = await Promise.all(
        chunk.map((item) => deps.reader.issuanceRecords(String(item.issuanceId), budget)),
      );
      chunk.forEach((item, n) => {
        if (!histories[n]?.some((record) => SETTLED.has(String(record.decision)))) kept.push(item);
      });
    }
    return kept;
  };

  return {
    async list(
      filters: AuditFilters,
      page: { limit: number; cursor?: string },
      budget: Budget,
    ): Promise<AuditPage> {
      const position = page.cursor === undefined ? undefined : deps.cursors.open(page.cursor);
      const plan = planQuery(filters, planOptions(), position?.r);
      let partitionIndex = position ? startingPartition(plan, position) : 0;
      let startKey = position?.k;
      const found: StoredItem[] = [];
      let reads = 0;

      while (partitionIndex < plan.partitions.length && found.length < page.limit) {
        if (reads > 0 && (reads >= maxReads || budget.remainingMs() < reserveMs)) break;
        const remaining = page.limit - found.length;
        const batch = await deps.reader.queryIndex(
          {
            index: plan.index,
            partitionAttribute: plan.partitionAttribute,
            partition: plan.partitions[partitionIndex] ?? '',
            range: plan.range,
            postFilters: plan.postFilters,
            startKey,
            limit: readLimit(plan, remaining),
          },
          budget,
        );
        reads += 1;
        const matching = plan.unconfirmed
          ? await keepUnconfirmed(batch.items, remaining, budget)
          : batch.items;
        const last = matching[remaining - 1];
        if (matching.length > remaining && last) {
          // More matched than fit: resume right after the last record returned, not after the batch.
          found.push(...matching.slice(0, remaining));
          startKey = keyOf(last, plan);
          break;
        }
        found.push(...matching);
        if (batch.lastKey) startKey = batch.lastKey;
        else {
          partitionIndex += 1;
          startKey = undefined;
        }
      }

      const partition = plan.partitions[partitionIndex];
      const cursor =
        partition === undefined
          ? undefined
          : deps.cursors.seal({
              v: 1,
              i: plan.index,
              p: partition,
              ...(startKey ? { k: startKey } : {}),
              f: plan.fingerprint,
              r: plan.range,
            });
      return {
        items: found.map(toRecordView),
        ...(cursor ? { cursor } : {}),
        servedBy: { index: plan.index, postFilters: plan.postFilterNames },
      };
    },

    async issuance(issuanceId: string, budget: Budget): Promise<IssuanceHistory | undefined> {
      const items = (await deps.reader.issuanceRecords(issuanceId, budget))
        .map(toRecordView)
        .sort(byTimeThenDecision);
      if (items.length === 0) return undefined;
      const outcome = items.find((record) => record.decision !== 'INTENT');
      return { issuanceId, status: outcome ? (outcome.decision as IssuanceStatus) : 'UNCONFIRMED', items };
    },
  };
}

export type AuditQueries = ReturnType<typeof makeAuditQueries>;

/** A verified cursor still has to belong to this query: same filters, index and partitions. */
function startingPartition(plan: QueryPlan, position: CursorPosition): number {
  const index = plan.partitions.indexOf(position.p);
  const keyInPartition = position.k === undefined || position.k[plan.partitionAttribute] === position.p;
  if (position.f !== plan.fingerprint || position.i !== plan.index || index < 0 || !keyInPartition) {
    throw invalidCursor();
  }
  return index;
}

/**
 * A FilterExpression applies after DynamoDB's Limit, so post-filtered reads evaluate more
 * items per call than the page needs (fewer round trips); the page still ends at the
 * last record it returns.
 */
function readLimit(plan: QueryPlan, remaining: number): number {
  if (Object.keys(plan.postFilters).length === 0) return remaining;
  return Math.min(1000, Math.max(remaining, 100));
}

/** The ExclusiveStartKey of an item on this plan's index: table key plus index key. */
function keyOf(item: StoredItem, plan: QueryPlan): StartKey {
  return {
    issuanceId: String(item.issuanceId),
    record: String(item.record),
    ts: String(item.ts),
    [plan.partitionAttribute]: String(item[plan.partitionAttribute]),
  };
}
