/**
 * Which index answers an audit query. Every request is a Query on one GSI, never a Scan:
 * the most selective filter given picks the index (an access key names one session, a
 * caller a handful of issuances a day, a grant or role several callers, a decision
 * everything of that kind), the other filters become a FilterExpression on that Query.
 * With no indexed filter the byDay index is read day by day over a bounded range.
 */
import { CALLER_KEY_PATTERN } from '../contracts/limits.js';
import { awsCaller } from '../grants/caller.js';
import { fingerprint } from './cursor.js';
import type { AuditDecision } from './record.js';
import { checkRange, dayScan, type TimeRange } from './time-range.js';

export type DecisionFilter = AuditDecision | 'unconfirmed';

/** Validated filters; `from`/`to` already parsed to ISO instants. */
export interface AuditFilters {
  caller?: string;
  roleArn?: string;
  grant?: string;
  accessKeyId?: string;
  decision?: DecisionFilter;
  from?: string;
  to?: string;
}

/** Stored attribute each indexed filter reads, in the order of selectivity. */
const INDEXED = [
  { filter: 'accessKeyId', attribute: 'accessKeyId', index: 'byAccessKey' },
  { filter: 'caller', attribute: 'callerKey', index: 'byCaller' },
  { filter: 'grant', attribute: 'grantId', index: 'byGrant' },
  { filter: 'roleArn', attribute: 'roleArn', index: 'byRole' },
  { filter: 'decision', attribute: 'decision', index: 'byDecision' },
] as const;

export type FilterName = (typeof INDEXED)[number]['filter'];
export type FilterAttribute = (typeof INDEXED)[number]['attribute'];
export type IndexName = (typeof INDEXED)[number]['index'] | 'byDay';

export interface QueryPlan {
  index: IndexName;
  partitionAttribute: FilterAttribute | 'day';
  /** Partition values to read, in order (newest day first for byDay). */
  partitions: string[];
  /** ts bounds: from inclusive, to exclusive. */
  range: TimeRange;
  /** attribute = value conditions applied after the Query (FilterExpression). */
  postFilters: Partial<Record<FilterAttribute, string>>;
  /** Names of the request filters served by post-filtering, for the response and the docs. */
  postFilterNames: string[];
  /** INTENT records are kept only when their issuance has no ISSUED or FAILED record. */
  unconfirmed: boolean;
  fingerprint: string;
}

export interface PlanOptions {
  now: Date;
  /** Range of a byDay read when the request gives none. */
  defaultHours: number;
  /** Widest range a byDay read may span. */
  maxDays: number;
}

/**
 * `resolvedRange` comes from a verified cursor: the range as fixed by the first page,
 * so a defaulted "until now" does not move while an auditor pages.
 */
export function planQuery(filters: AuditFilters, options: PlanOptions, resolvedRange?: TimeRange): QueryPlan {
  const callerKey = filters.caller === undefined ? undefined : callerKeyOf(filters.caller);
  const unconfirmed = filters.decision === 'unconfirmed';
  const values: Record<FilterName, string | undefined> = {
    accessKeyId: filters.accessKeyId,
    caller: callerKey,
    grant: filters.grant,
    roleArn: filters.roleArn,
    decision: unconfirmed ? 'INTENT' : filters.decision,
  };
  const requested = checkRange({ from: filters.from, to: filters.to });
  const print = fingerprint({ ...values, unconfirmed: String(unconfirmed), ...requested });
  const chosen = INDEXED.find((candidate) => values[candidate.filter] !== undefined);
  const postFilters: Partial<Record<FilterAttribute, string>> = {};
  const postFilterNames: string[] = [];
  for (const candidate of INDEXED) {
    const value = values[candidate.filter];
    if (value === undefined || candidate === chosen) continue;
    postFilters[candidate.attribute] = value;
    postFilterNames.push(candidate.filter);
  }
  if (unconfirmed) postFilterNames.push('unconfirmed');
  const common = { postFilters, postFilterNames, unconfirmed, fingerprint: print };

  const partition = chosen ? values[chosen.filter] : undefined;
  if (chosen && partition !== undefined) {
    return {
      index: chosen.index,
      partitionAttribute: chosen.attribute,
      partitions: [partition],
      range: resolvedRange ?? requested,
      ...common,
    };
  }
  const scan = dayScan(resolvedRange ?? requested, options.now, options);
  return { index: 'byDay', partitionAttribute: 'day', partitions: scan.days, range: scan.range, ...common };
}

/**
 * The `caller` filter takes the stored caller key or a principal ARN; an ARN is reduced
 * to its key the way the authorizer's identity is (an assumed-role session matches its role).
 */
export function callerKeyOf(value: string): string | undefined {
  if (value.startsWith('arn:')) return awsCaller(value)?.key;
  return CALLER_KEY_PATTERN.test(value) ? value : undefined;
}
