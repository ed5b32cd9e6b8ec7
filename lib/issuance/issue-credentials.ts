/**
 * The issuance use case, in named steps:
 *   refuse a caller known to be over its rate → authorize → plan the session →
 *   (refusal or dry run: charge the rate, record DENIED / DRY_RUN) →
 *   record intent while charging the rate → mint → record the outcome → answer.
 *
 * Audit fails closed: no STS call without a committed INTENT, no credentials without a
 * committed ISSUED. Every authenticated request ends in exactly one terminal record:
 * ISSUED, DENIED, FAILED (a 5xx, before or at STS), DRY_RUN, RATE_LIMITED, or UNKNOWN
 * (STS was called and did not answer: a session may exist).
 *
 * Rate limits come before audit writes: every request is charged to the caller's
 * `requests` budget, an issuance also to its grant's. A caller this instance already knows
 * to be over is refused with no write at all, so a flood costs at most one RATE_LIMITED
 * record per warm instance and window. The counter update of an issuance runs side by side
 * with its INTENT write, so the limiter adds no round trip to a successful issuance.
 */
import type { AuditRecord } from '../audit/record.js';
import { requestRecordFields } from '../audit/request-fields.js';
import { type Grant, grantRole } from '../config/grants-schema.js';
import { ambiguousRole, BrokerError, forbidden, providerNotConfigured, rateLimited } from '../errors.js';
import type { AllowList, GrantSelector } from '../grants/allow-list.js';
import type { Caller } from '../grants/caller.js';
import type { RequestFacts } from '../http/request-facts.js';
import { assumeRoleInput, sentSourceIdentity } from './assume-role-input.js';
import { failureFields } from './failure.js';
import type {
  AuditGapReporter,
  AuditStore,
  Clock,
  IdSource,
  IssuanceDependency,
  IssuanceMetrics,
  IssuedSession,
  Issuer,
  Issuers,
  RateBudget,
  RateLimited,
  RateLimiter,
} from './ports.js';
import { type DryRunResponse, type IssuedResponse, toDryRunResponse, toIssuedResponse } from './responses.js';
import { planSession, type SessionPlan, sessionRequestOf } from './session-plan.js';

export type IssueRequest = GrantSelector & { durationSeconds?: number; policy?: unknown; dryRun?: boolean };

export interface RateLimits {
  /** Requests per caller and minute to the issuance routes: refusals and dry runs included. */
  requestsPerMinute: number;
  /** Issuances per caller, grant and minute, when the grant sets no rateLimitPerMinute. */
  issuancesPerMinute: number;
}

export interface IssueDeps {
  allowList: AllowList;
  audit: AuditStore;
  issuers: Issuers;
  rateLimiter: RateLimiter;
  rateLimits: RateLimits;
  metrics: IssuanceMetrics;
  newIssuanceId: IdSource;
  clock: Clock;
  onAuditGap: AuditGapReporter;
  /** The broker runs on a role session itself: STS caps chained sessions at one hour. */
  roleChaining: boolean;
}

/** The fields every record of one request shares come from here; each step adds its own. */
type RecordFields = Partial<Omit<AuditRecord, 'issuanceId' | 'decision' | 'at'>>;
interface AuditTrail {
  issuanceId: string;
  write(decision: AuditRecord['decision'], fields: RecordFields): Promise<void>;
}

/** What the request turned out to be once authorized and planned, before any write. */
type Decision =
  | { kind: 'refused'; fields: RecordFields; error: BrokerError }
  | { kind: 'dry-run'; grant: Grant; plan: SessionPlan; fields: RecordFields }
  | { kind: 'issue'; grant: Grant; plan: SessionPlan; fields: RecordFields };

export function makeIssueCredentials(deps: IssueDeps) {
  const { metrics } = deps;
  const requestsBudget: RateBudget = { name: 'requests', limitPerMinute: deps.rateLimits.requestsPerMinute };
  const grantBudget = (grant: Grant): RateBudget => ({
    name: `grant:${grant.id}`,
    limitPerMinute: grant.rateLimitPerMinute ?? deps.rateLimits.issuancesPerMinute,
  });

  // Every dependency call goes through here: its latency, and a Failed count when it throws.
  async function measured<T>(dependency: IssuanceDependency, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await call();
    } catch (error) {
      metrics.failed(dependency);
      throw error;
    } finally {
      metrics.latency(dependency, performance.now() - started);
    }
  }

  /** The audit trail of one request: records under one issuance id, naming the caller. */
  function auditTrail(issuanceId: string, caller: Caller, facts: RequestFacts): AuditTrail {
    const requestFields = requestRecordFields(caller, facts);
    const write: AuditTrail['write'] = (decision, fields) =>
      measured('audit', () =>
        deps.audit.append(
          { issuanceId, decision, at: deps.clock().toISOString(), ...requestFields, ...fields },
          facts.budget,
        ),
      );
    return { issuanceId, write };
  }

  /** Steps 1-2, pure: which grant allows this caller this request, and the session it gets. */
  function decide(caller: Caller, request: IssueRequest, issuanceId: string): Decision {
    const authorization = deps.allowList.authorize(caller, request);
    if (!authorization.allowed) {
      const asked = 'grant' in request ? { grantId: request.grant } : { roleArn: request.roleArn };
      const error =
        authorization.reason === 'ambiguous_role' ? ambiguousRole() : forbidden(authorization.reason);
      return { kind: 'refused', fields: { ...asked, reason: authorization.reason }, error };
    }
    const { grant } = authorization;
    const grantFields = { grantId: grant.id, provider: grant.provider, roleArn: grantRole(grant) };
    let plan: SessionPlan;
    try {
      plan = planSession(grant, caller, request, issuanceId, { roleChaining: deps.roleChaining });
    } catch (error) {
      // Still the decision on an authenticated caller and a known grant: recorded with its code.
      if (!(error instanceof BrokerError)) throw error;
      return { kind: 'refused', fields: { ...grantFields, reason: error.code }, error };
    }
    const fields = { ...grantFields, ...planFields(grant, plan) };
    return request.dryRun ? { kind: 'dry-run', grant, plan, fields } : { kind: 'issue', grant, plan, fields };
  }

  /** A caller this instance already knows to be over: 429, and nothing is written. */
  function refuseKnownOver(caller: Caller, budgets: readonly RateBudget[]): void {
    const known = deps.rateLimiter.knownOver(caller, budgets);
    if (known) {
      metrics.denied('rate_limited');
      throw rateLimited(known.retryAfterSeconds);
    }
  }

  /** The terminal record of a request refused for its rate: once per instance and window. */
  async function recordRateLimited(trail: AuditTrail, fields: RecordFields, verdict: RateLimited) {
    metrics.denied('rate_limited');
    if (!verdict.known) await trail.write('RATE_LIMITED', { ...fields, reason: `over_${verdict.budget}` });
    return rateLimited(verdict.retryAfterSeconds);
  }

  /** A request that mints nothing: charge the rate first, then record its decision. */
  async function settleWithoutMinting(
    caller: Caller,
    trail: AuditTrail,
    fields: RecordFields,
    record: () => Promise<void>,
    facts: RequestFacts,
  ): Promise<void> {
    let verdict: Awaited<ReturnType<RateLimiter['charge']>>;
    try {
      verdict = await deps.rateLimiter.charge(caller, [requestsBudget], facts.budget);
    } catch (error) {
      await trail.write('FAILED', { ...fields, ...failureFields(error) });
      throw error;
    }
    if (verdict.over) throw await recordRateLimited(trail, fields, verdict);
    await record();
  }

  /** A refusal: DENIED for a client error, FAILED for a 5xx (a grant the broker cannot serve). */
  async function refuse(
    caller: Caller,
    trail: AuditTrail,
    decision: Decision & { kind: 'refused' },
    facts: RequestFacts,
  ): Promise<never> {
    const { error, fields } = decision;
    await settleWithoutMinting(
      caller,
      trail,
      fields,
      async () => {
        metrics.denied(fields.reason ?? error.code);
        await trail.write(error.status < 500 ? 'DENIED' : 'FAILED', {
          ...fields,
          ...(error.status < 500 ? {} : failureFields(error)),
        });
      },
      facts,
    );
    throw error;
  }

  /**
   * Step 3: the INTENT and the rate counters side by side (one round trip). An intent whose
   * caller turns out to be over is closed with RATE_LIMITED; a counter that cannot be read
   * closes it FAILED. Either way STS is never called.
   */
  async function recordIntent(
    caller: Caller,
    grant: Grant,
    trail: AuditTrail,
    fields: RecordFields,
    facts: RequestFacts,
  ) {
    const [rate, intent] = await Promise.allSettled([
      deps.rateLimiter.charge(caller, [requestsBudget, grantBudget(grant)], facts.budget),
      trail.write('INTENT', fields),
    ]);
    // No INTENT, no STS call, and nothing more can be recorded: the audit table is the failure.
    if (intent.status === 'rejected') throw intent.reason;
    if (rate.status === 'rejected') {
      await trail.write('FAILED', { ...fields, ...failureFields(rate.reason) });
      throw rate.reason;
    }
    if (rate.value.over) throw await recordRateLimited(trail, fields, rate.value);
  }

  /**
   * Step 4: the STS call. A failure leaves a best-effort FAILED record, or UNKNOWN when the
   * call was sent and got no answer (a session may exist), and propagates.
   */
  async function mint(
    issuer: Issuer,
    grant: Grant,
    plan: SessionPlan,
    trail: AuditTrail,
    fields: RecordFields,
    facts: RequestFacts,
  ): Promise<IssuedSession> {
    try {
      return await measured('sts', () =>
        issuer.assume(assumeRoleInput(grant, sessionRequestOf(plan)), facts.budget),
      );
    } catch (error) {
      const decision = error instanceof BrokerError && error.outcomeUnknown ? 'UNKNOWN' : 'FAILED';
      // The caller gets the STS error, not the audit one: the unconfirmed INTENT is the trace.
      await trail
        .write(decision, { ...fields, ...failureFields(error) })
        .catch((auditError: unknown) => deps.onAuditGap(trail.issuanceId, auditError));
      throw error;
    }
  }

  return async function issueCredentials(
    caller: Caller,
    request: IssueRequest,
    facts: RequestFacts,
  ): Promise<IssuedResponse | DryRunResponse> {
    metrics.request({ requestId: facts.requestId, caller: caller.key });
    refuseKnownOver(caller, [requestsBudget]);
    const issuanceId = deps.newIssuanceId();
    const trail = auditTrail(issuanceId, caller, facts);

    const decision = decide(caller, request, issuanceId);
    if (decision.kind === 'refused') return refuse(caller, trail, decision, facts);
    const { grant, plan, fields } = decision;
    if (decision.kind === 'dry-run') {
      await settleWithoutMinting(caller, trail, fields, () => trail.write('DRY_RUN', fields), facts);
      return toDryRunResponse(issuanceId, grant, plan);
    }

    const issuer = deps.issuers[grant.provider];
    if (!issuer)
      return refuse(caller, trail, { kind: 'refused', fields, error: providerNotConfigured() }, facts);
    refuseKnownOver(caller, [grantBudget(grant)]);
    await recordIntent(caller, grant, trail, fields, facts);
    const session = await mint(issuer, grant, plan, trail, fields, facts);
    await trail.write('ISSUED', { ...fields, ...sessionFields(session) });

    metrics.issued(grant.provider);
    return toIssuedResponse(issuanceId, grant, plan.durationSeconds, session);
  };
}

/** What the INTENT, DRY_RUN and outcome records say about the planned session. */
const planFields = (grant: Grant, plan: SessionPlan) => ({
  durationSeconds: plan.durationSeconds,
  durationBound: plan.durationRange.maxSetBy,
  roleSessionName: plan.roleSessionName,
  sourceIdentity: sentSourceIdentity(grant, plan.sourceIdentity),
  policySha256: plan.policy.sha256,
  policySize: plan.policy.size,
});

/** What the ISSUED record keeps of the minted session: identifiers, never a secret. */
const sessionFields = (session: IssuedSession) => ({
  expiration: session.expiration.toISOString(),
  accessKeyId: session.accessKeyId,
  assumedRoleArn: session.assumedRoleArn,
  packedPolicySize: session.packedPolicySize,
});
