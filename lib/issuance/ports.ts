/**
 * Every port the issuance use case (and the scheduled grant check) depends on. Adapters
 * implement them (lib/audit/dynamodb-store.ts, lib/ratelimit/dynamodb-rate-limiter.ts,
 * lib/providers/*, lib/observability/metrics.ts); composition roots in functions/ wire
 * them; tests inject fakes. Every port is required: a root that forgets one does not compile.
 */
import type { AuditRecord } from '../audit/record.js';
import type { Budget } from '../budget.js';
import type { ProviderName } from '../contracts/limits.js';
import type { Caller } from '../grants/caller.js';

/** The append-only audit trail. */
export interface AuditStore {
  /** Adds one record; throws a 503 BrokerError when it did not commit. */
  append(record: AuditRecord, budget: Budget): Promise<void>;
  /** A cheap read through the same client and permissions, for the health check. */
  probe(budget: Budget): Promise<void>;
}

/**
 * One counter a request is charged against, per caller and one-minute window: `requests`
 * (every request to the issuance routes), `audit` (the audit routes) or `grant:{id}`
 * (issuances of one grant).
 */
export interface RateBudget {
  name: string;
  limitPerMinute: number;
}

export interface RateLimited {
  over: true;
  /** The budget the caller is over. */
  budget: string;
  retryAfterSeconds: number;
  /** Already known to this instance (nothing was counted, and nothing needs recording again). */
  known: boolean;
}

export type RateVerdict = { over: false } | RateLimited;

export interface RateLimiter {
  /** Over one of these budgets as far as this instance already knows, with no I/O. */
  knownOver(caller: Caller, budgets: readonly RateBudget[]): RateLimited | undefined;
  /**
   * Counts one request against every budget, side by side: one round trip, none while the
   * instance holds leased tokens, two when a full lease no longer fits. Throws a 503
   * BrokerError when a counter cannot be updated: no limit, no service.
   */
  charge(caller: Caller, budgets: readonly RateBudget[], budget: Budget): Promise<RateVerdict>;
}

export interface AssumeRoleInput {
  /** AWS role ARN or Volcengine role TRN, from the grant. */
  roleArn: string;
  roleSessionName: string;
  durationSeconds: number;
  /** From the grant only (invariant 5). AWS only. */
  externalId?: string;
  /** Derived from the caller. AWS only (Volcengine has no SourceIdentity). */
  sourceIdentity?: string;
  sessionTags?: Record<string, string>;
  /** Minified session policy JSON. */
  policy?: string;
}

export interface IssuedSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  assumedRoleArn: string;
  assumedRoleId?: string;
  packedPolicySize?: number;
  sourceIdentity?: string;
}

/**
 * One STS flavour. The use case knows nothing about AWS or Volcengine wire formats; it
 * hands an already-authorized, already-bounded request to the issuer of the grant's provider.
 */
export interface Issuer {
  readonly provider: ProviderName;
  /**
   * Mints a session. Failures are thrown as BrokerError: denied → 403 (generic), invalid
   * parameters → 400 with a safe message, throttling/timeouts/5xx → 503 with Retry-After,
   * with the provider's own message in `internalReason` only. The budget is the time left
   * for the whole request; issuers derive their timeouts from it (invariant 15).
   */
  assume(input: AssumeRoleInput, budget: Budget): Promise<IssuedSession>;
}

/** A provider without an issuer is not configured in this deployment (503). */
export type Issuers = Partial<Record<ProviderName, Issuer>>;

export type IssuanceDependency = 'sts' | 'audit';

/** Counts decisions and times dependencies; lib/observability/metrics.ts emits them as EMF. */
export interface IssuanceMetrics {
  request(facts: { requestId: string; caller: string }): void;
  issued(provider: ProviderName): void;
  denied(reason: string): void;
  failed(dependency: IssuanceDependency): void;
  latency(dependency: IssuanceDependency, ms: number): void;
}

/** Told when a best-effort FAILED record could not be written (the INTENT stays unconfirmed). */
export type AuditGapReporter = (issuanceId: string, error: unknown) => void;

export type Clock = () => Date;

/** A new, unique, time-ordered id per issuance (or check). */
export type IdSource = () => string;
