/**
 * In-memory fakes for the use case's ports. Both write to one shared timeline, so a
 * test can assert the order of audit writes and STS calls (invariant 8).
 */
import type { AuditRecord } from '../../lib/audit/record.js';
import type { Budget } from '../../lib/budget.js';
import { dependencyUnavailable } from '../../lib/errors.js';
import type { Caller } from '../../lib/grants/caller.js';
import type {
  AssumeRoleInput,
  AuditGapReporter,
  AuditStore,
  IssuanceMetrics,
  IssuedSession,
  Issuer,
  RateBudget,
  RateLimited,
  RateLimiter,
  RateVerdict,
} from '../../lib/issuance/ports.js';
import type { ProviderName } from '../../lib/providers/issuer.js';

/** Distinctive secret values: any test can grep a response, a record or a log for them. */
export const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzzKEY';
export const SESSION_TOKEN = 'FwoGZXIvYXdzEzzSESSIONzzTOKENzzAAAAAAAAAAAAAAAAAAAAAAAAAA';
export const ACCESS_KEY_ID = 'ASIAFAKEACCESSKEY001';

export type Timeline = string[];

export class FakeAuditStore implements AuditStore {
  /** Records that committed, in order. */
  readonly records: AuditRecord[] = [];
  readonly budgets: Budget[] = [];
  private appendAttempts = 0;
  private readonly failingAttempts = new Set<number>();
  private readonly failingDecisions = new Set<AuditRecord['decision']>();

  constructor(private readonly timeline: Timeline = []) {}

  /** The Nth append (1-based, counting every attempt) throws a 503 and commits nothing. */
  failOnAppend(n: number): this {
    this.failingAttempts.add(n);
    return this;
  }

  /** Every append of this decision throws a 503 and commits nothing. */
  failOnDecision(decision: AuditRecord['decision']): this {
    this.failingDecisions.add(decision);
    return this;
  }

  async append(record: AuditRecord, budget: Budget): Promise<void> {
    this.appendAttempts += 1;
    this.budgets.push(budget);
    if (this.failingAttempts.has(this.appendAttempts) || this.failingDecisions.has(record.decision)) {
      this.timeline.push(`audit:${record.decision}:failed`);
      throw dependencyUnavailable('audit', `injected failure on append ${this.appendAttempts}`);
    }
    // Like the DynamoDB store's attribute_not_exists condition: a record is keyed by
    // issuanceId and decision, and a second append of the same key is refused, not replaced.
    if (this.records.some((r) => r.issuanceId === record.issuanceId && r.decision === record.decision)) {
      this.timeline.push(`audit:${record.decision}:exists`);
      throw dependencyUnavailable('audit', `PutItem ${record.decision}: record already exists`);
    }
    this.timeline.push(`audit:${record.decision}`);
    this.records.push(structuredClone(record));
  }

  async probe(): Promise<void> {}

  decisions(): AuditRecord['decision'][] {
    return this.records.map((r) => r.decision);
  }

  only(decision: AuditRecord['decision']): AuditRecord {
    const matching = this.records.filter((r) => r.decision === decision);
    if (matching.length !== 1) throw new Error(`expected one ${decision} record, found ${matching.length}`);
    const [record] = matching;
    if (!record) throw new Error(`no ${decision} record`);
    return record;
  }
}

export const sampleSession = (overrides: Partial<IssuedSession> = {}): IssuedSession => ({
  accessKeyId: ACCESS_KEY_ID,
  secretAccessKey: SECRET_ACCESS_KEY,
  sessionToken: SESSION_TOKEN,
  expiration: new Date('2025-01-01T01:00:00.000Z'),
  assumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/reports-read/reporting-service.0000000001',
  assumedRoleId: 'AROAFAKEROLEID:reporting-service.0000000001',
  packedPolicySize: 12,
  sourceIdentity: 'reporting-service',
  ...overrides,
});

export class FakeIssuer implements Issuer {
  readonly calls: AssumeRoleInput[] = [];
  private failure: unknown;
  private session: IssuedSession = sampleSession();

  constructor(
    readonly provider: ProviderName = 'aws',
    private readonly timeline: Timeline = [],
  ) {}

  failWith(error: unknown): this {
    this.failure = error;
    return this;
  }

  answerWith(session: IssuedSession): this {
    this.session = session;
    return this;
  }

  async assume(input: AssumeRoleInput, _budget: Budget): Promise<IssuedSession> {
    this.calls.push(structuredClone(input));
    this.timeline.push(`sts:${this.provider}`);
    if (this.failure !== undefined) throw this.failure;
    return { ...this.session };
  }
}

/** Explicitly no metrics: for tests that are not about metrics. */
export const noMetrics: IssuanceMetrics = {
  request: () => undefined,
  issued: () => undefined,
  denied: () => undefined,
  failed: () => undefined,
  latency: () => undefined,
};

/** Explicitly no rate limit: for tests that are not about the rate limit. */
export const noRateLimit: RateLimiter = { knownOver: () => undefined, charge: async () => ({ over: false }) };

/** Limits for use cases whose tests are not about the rate: the fake limiter decides. */
export const TEST_RATE_LIMITS = { requestsPerMinute: 1_000, issuancesPerMinute: 1_000 };

/**
 * A rate limiter that answers over for the budgets named in `over` and remembers it as the
 * real one does (the next request is `known`), fails with `failure`, and logs each charge
 * on the shared timeline.
 */
export class FakeRateLimiter implements RateLimiter {
  readonly charged: string[][] = [];
  private readonly learned = new Set<string>();
  failure: unknown;

  constructor(
    private readonly timeline: Timeline = [],
    readonly over = new Set<string>(),
  ) {}

  knownOver(caller: Caller, budgets: readonly RateBudget[]): RateLimited | undefined {
    const known = budgets.find((budget) => this.learned.has(`${caller.key}#${budget.name}`));
    return known ? { over: true, budget: known.name, retryAfterSeconds: 30, known: true } : undefined;
  }

  async charge(caller: Caller, budgets: readonly RateBudget[], _budget: Budget): Promise<RateVerdict> {
    this.charged.push(budgets.map((budget) => budget.name));
    this.timeline.push('rate');
    if (this.failure !== undefined) throw this.failure;
    const over = budgets.find((budget) => this.over.has(budget.name));
    if (!over) return { over: false };
    this.learned.add(`${caller.key}#${over.name}`);
    return { over: true, budget: over.name, retryAfterSeconds: 30, known: false };
  }
}

/** Explicitly nobody to tell about an unwritten FAILED record: for tests that do not look. */
export const ignoreAuditGap: AuditGapReporter = () => undefined;
