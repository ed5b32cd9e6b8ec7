/**
 * The issuance use case: authorize → bound the duration → choose the session policy →
 * audit intent → mint → audit outcome → answer. Audit fails closed (invariant 8): no
 * STS call without a committed INTENT, no credentials without a committed ISSUED.
 */

import type { AuditRecord } from '../audit/record.js';
import type { Budget } from '../budget.js';
import { grantRole } from '../config/grants-schema.js';
import { ambiguousRole, BrokerError, forbidden, providerNotConfigured } from '../errors.js';
import type { AllowList, Authorization, GrantSelector } from '../grants/allow-list.js';
import { type Caller, callerPrincipal } from '../grants/caller.js';
import type { RequestFacts } from '../http/request-facts.js';
import { boundDuration } from './duration.js';
import type {
  AuditGapReporter,
  AuditStore,
  Clock,
  IdSource,
  IssuanceDependency,
  IssuanceMetrics,
  Issuers,
  RateLimiter,
} from './ports.js';
import { type DryRunResponse, type IssuedResponse, toDryRunResponse, toIssuedResponse } from './responses.js';
import { roleSessionName, sourceIdentity } from './session-identity.js';
import { chooseSessionPolicy } from './session-policy.js';
import { renderSessionTags } from './session-tags.js';

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

export function makeIssueCredentials(deps: IssueDeps) {
  const { metrics } = deps;
  // Every dependency call goes through here: its latency, and a Failed count when it throws.
  const measured = async <T>(dependency: IssuanceDependency, call: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await call();
    } catch (error) {
      metrics.failed(dependency);
      throw error;
    } finally {
      metrics.latency(dependency, performance.now() - started);
    }
  };
  const audit = {
    append: (record: AuditRecord, budget: Budget) =>
      measured('audit', () => deps.audit.append(record, budget)),
  };

  return async function issueCredentials(
    caller: Caller,
    request: IssueRequest,
    facts: RequestFacts,
  ): Promise<IssuedResponse | DryRunResponse> {
    const issuanceId = deps.newIssuanceId();
    metrics.request({ requestId: facts.requestId, caller: caller.key });
    const record = (decision: AuditRecord['decision'], fields: Partial<AuditRecord>): AuditRecord => ({
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
    });

    const authorization: Authorization = deps.allowList.authorize(caller, request);
    if (!authorization.allowed) {
      const requested = 'grant' in request ? { grantId: request.grant } : { roleArn: request.roleArn };
      metrics.denied(authorization.reason);
      await audit.append(record('DENIED', { ...requested, reason: authorization.reason }), facts.budget);
      if (authorization.reason === 'ambiguous_role') {
        throw ambiguousRole();
      }
      throw forbidden(authorization.reason);
    }
    const { grant } = authorization;
    const target = { grantId: grant.id, provider: grant.provider, roleArn: grantRole(grant) };

    // Anything refused from here on is still the decision of an authenticated caller on a
    // known grant: auditors see it as DENIED with the reason code.
    const plan = await refuseAudited(
      () => {
        const { durationSeconds, range } = boundDuration(request.durationSeconds, grant, {
          roleChaining: deps.roleChaining,
        });
        const policy = chooseSessionPolicy(grant, request.policy);
        const names = {
          roleSessionName: roleSessionName(caller, issuanceId),
          sourceIdentity: sourceIdentity(caller),
        };
        return { durationSeconds, range, policy, names, sessionTags: renderSessionTags(grant, caller) };
      },
      (error) => {
        metrics.denied(error.code);
        return audit.append(record('DENIED', { ...target, reason: error.code }), facts.budget);
      },
    );
    const planned = {
      ...target,
      durationSeconds: plan.durationSeconds,
      durationBound: plan.range.maxSetBy,
      roleSessionName: plan.names.roleSessionName,
      sourceIdentity: grant.provider === 'aws' ? plan.names.sourceIdentity : undefined,
      policySha256: plan.policy.sha256,
      policySize: plan.policy.size,
    };

    if (request.dryRun) {
      await audit.append(record('DRY_RUN', planned), facts.budget);
      return toDryRunResponse(issuanceId, grant, plan);
    }

    await refuseAudited(
      () => deps.rateLimiter.consume(caller, grant.id, grant.rateLimitPerMinute, facts.budget),
      (error) => {
        metrics.denied(error.code);
        return audit.append(record('DENIED', { ...target, reason: error.code }), facts.budget);
      },
    );

    const issuer = deps.issuers[grant.provider];
    if (!issuer) throw providerNotConfigured();

    await audit.append(record('INTENT', planned), facts.budget);
    let session: Awaited<ReturnType<typeof issuer.assume>>;
    try {
      session = await measured('sts', () =>
        issuer.assume(
          {
            roleArn: target.roleArn,
            roleSessionName: plan.names.roleSessionName,
            sourceIdentity: planned.sourceIdentity,
            durationSeconds: plan.durationSeconds,
            externalId: grant.provider === 'aws' ? grant.externalId : undefined,
            sessionTags: plan.sessionTags,
            policy: plan.policy.document,
          },
          facts.budget,
        ),
      );
    } catch (error) {
      const failure = error instanceof BrokerError ? error : undefined;
      await audit
        .append(
          record('FAILED', {
            ...planned,
            reason: failure?.code ?? 'issuer_error',
            detail: failure?.internalReason?.slice(0, 1000),
          }),
          facts.budget,
        )
        .catch((auditError: unknown) => deps.onAuditGap(issuanceId, auditError));
      throw error;
    }

    await audit.append(
      record('ISSUED', {
        ...planned,
        expiration: session.expiration.toISOString(),
        accessKeyId: session.accessKeyId,
        assumedRoleArn: session.assumedRoleArn,
        packedPolicySize: session.packedPolicySize,
      }),
      facts.budget,
    );
    metrics.issued(grant.provider);
    return toIssuedResponse(issuanceId, grant, plan.durationSeconds, session);
  };
}

/** Runs a step; a client error it throws is audited as DENIED before it propagates. */
async function refuseAudited<T>(
  step: () => T | Promise<T>,
  audit: (error: BrokerError) => Promise<void>,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof BrokerError && error.status < 500) await audit(error);
    throw error;
  }
}
