/**
 * The issuance use case, in named steps:
 *   authorize → plan the session → (dry run: record the plan) → check the rate →
 *   record intent → mint → record the outcome → answer.
 * Audit fails closed (invariant 8): no STS call without a committed INTENT, no credentials
 * without a committed ISSUED. Every refusal of an authenticated caller is a DENIED record.
 */
import type { AuditRecord } from '../audit/record.js';
import { type Grant, grantRole } from '../config/grants-schema.js';
import { ambiguousRole, BrokerError, forbidden, providerNotConfigured } from '../errors.js';
import type { AllowList, GrantSelector } from '../grants/allow-list.js';
import { type Caller, callerPrincipal } from '../grants/caller.js';
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
  RateLimiter,
} from './ports.js';
import { type DryRunResponse, type IssuedResponse, toDryRunResponse, toIssuedResponse } from './responses.js';
import { planSession, type SessionPlan, sessionRequestOf } from './session-plan.js';

export type IssueRequest = GrantSelector & { durationSeconds?: number; policy?: unknown; dryRun?: boolean };

export interface IssueDeps {
  allowList: AllowList;
  audit: AuditStore;
  issuers: Issuers;
  rateLimiter: RateLimiter;
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

export function makeIssueCredentials(deps: IssueDeps) {
  const { metrics } = deps;

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
    const write: AuditTrail['write'] = (decision, fields) =>
      measured('audit', () =>
        deps.audit.append(
          {
            issuanceId,
            decision,
            at: deps.clock().toISOString(),
            callerKey: caller.key,
            callerPrincipal: callerPrincipal(caller),
            callerKind: caller.kind,
            requestId: facts.requestId,
            sourceIp: facts.sourceIp,
            userAgent: facts.userAgent?.slice(0, 256),
            ...fields,
          },
          facts.budget,
        ),
      );
    return { issuanceId, write };
  }

  /** Counts and records a refusal: DENIED with the reason code, before the error propagates. */
  async function recordDenied(trail: AuditTrail, fields: RecordFields, reason: string): Promise<void> {
    metrics.denied(reason);
    await trail.write('DENIED', { ...fields, reason });
  }

  /** Step 1: which grant allows this caller this request; anything else is DENIED. */
  async function authorize(caller: Caller, request: IssueRequest, trail: AuditTrail): Promise<Grant> {
    const authorization = deps.allowList.authorize(caller, request);
    if (authorization.allowed) return authorization.grant;
    const asked = 'grant' in request ? { grantId: request.grant } : { roleArn: request.roleArn };
    await recordDenied(trail, asked, authorization.reason);
    throw authorization.reason === 'ambiguous_role' ? ambiguousRole() : forbidden(authorization.reason);
  }

  /**
   * Runs a step on a known grant; a client error it throws is still the decision on an
   * authenticated caller and a known grant, so auditors see it as DENIED with the code.
   */
  async function deniedOnRefusal<T>(
    trail: AuditTrail,
    grantFields: RecordFields,
    step: () => T | Promise<T>,
  ) {
    try {
      return await step();
    } catch (error) {
      if (error instanceof BrokerError && error.status < 500)
        await recordDenied(trail, grantFields, error.code);
      throw error;
    }
  }

  function issuerOf(grant: Grant): Issuer {
    const issuer = deps.issuers[grant.provider];
    if (!issuer) throw providerNotConfigured();
    return issuer;
  }

  /** Step 4: the STS call. A failure leaves a best-effort FAILED record and propagates. */
  async function mint(
    issuer: Issuer,
    grant: Grant,
    plan: SessionPlan,
    trail: AuditTrail,
    plannedFields: RecordFields,
    facts: RequestFacts,
  ): Promise<IssuedSession> {
    try {
      return await measured('sts', () =>
        issuer.assume(assumeRoleInput(grant, sessionRequestOf(plan)), facts.budget),
      );
    } catch (error) {
      // The caller gets the STS error, not the audit one: the unconfirmed INTENT is the trace.
      await trail
        .write('FAILED', { ...plannedFields, ...failureFields(error) })
        .catch((auditError: unknown) => deps.onAuditGap(trail.issuanceId, auditError));
      throw error;
    }
  }

  return async function issueCredentials(
    caller: Caller,
    request: IssueRequest,
    facts: RequestFacts,
  ): Promise<IssuedResponse | DryRunResponse> {
    const issuanceId = deps.newIssuanceId();
    metrics.request({ requestId: facts.requestId, caller: caller.key });
    const trail = auditTrail(issuanceId, caller, facts);

    const grant = await authorize(caller, request, trail);
    const grantFields = { grantId: grant.id, provider: grant.provider, roleArn: grantRole(grant) };

    const plan = await deniedOnRefusal(trail, grantFields, () =>
      planSession(grant, caller, request, issuanceId, { roleChaining: deps.roleChaining }),
    );
    const plannedFields = { ...grantFields, ...planFields(grant, plan) };
    if (request.dryRun) {
      await trail.write('DRY_RUN', plannedFields);
      return toDryRunResponse(issuanceId, grant, plan);
    }

    await deniedOnRefusal(trail, grantFields, () =>
      deps.rateLimiter.consume(caller, grant.id, grant.rateLimitPerMinute, facts.budget),
    );
    const issuer = issuerOf(grant);

    await trail.write('INTENT', plannedFields);
    const session = await mint(issuer, grant, plan, trail, plannedFields, facts);
    await trail.write('ISSUED', { ...plannedFields, ...sessionFields(session) });

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
