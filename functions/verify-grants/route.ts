/**
 * The scheduled grant check (like Apache Doris's S3 storage vault connectivity check): for every enabled
 * grant, a real AssumeRole with the provider's minimum duration and exactly the
 * parameters an issuance sends (ExternalId, SourceIdentity, session tags, ceiling
 * policy), so a missing role, a trust policy without the broker, a wrong external id or
 * a trust policy without sts:TagSession shows up before a job needs the grant. The
 * credentials are dropped at once; each result is a VERIFY audit record. One failing
 * grant never stops the others.
 */
import type { AuditRecord } from '../../lib/audit/record.js';
import type { Budget } from '../../lib/budget.js';
import { type Grant, grantRole } from '../../lib/config/grants-schema.js';
import { BrokerError, providerNotConfigured } from '../../lib/errors.js';
import type { Caller } from '../../lib/grants/caller.js';
import type { AuditStore, Issuers } from '../../lib/issuance/ports.js';
import { chooseSessionPolicy } from '../../lib/issuance/session-policy.js';
import { renderSessionTags } from '../../lib/issuance/session-tags.js';
import { PROVIDER_DURATION_LIMITS } from '../../lib/providers/issuer.js';

/** Who the VERIFY records name: the broker's own scheduled job, not a caller. */
export const VERIFY_CALLER_KEY = 'system:verify-grants';
export const VERIFY_SOURCE_IDENTITY = 'credential-broker-verify';

export interface GrantCheck {
  grantId: string;
  provider: Grant['provider'];
  roleArn: string;
  status: 'ok' | 'failed';
  /** 'ok', or the failure code (not_allowed, provider_rejected_request, dependency_unavailable, …). */
  reason: string;
  /** The provider's own message, for auditors. */
  detail?: string;
  audited: boolean;
}

export interface VerifyGrantsDeps {
  grants: () => readonly Grant[];
  issuers: Issuers;
  audit: AuditStore;
  newId: () => string;
  clock: () => Date;
  /** One call per grant, after its record is written (metrics, logs). */
  onChecked?: (check: GrantCheck) => void;
  /** Checks at a time: a handful, to stay far from the account's shared STS quota. */
  concurrency?: number;
}

export interface VerifySummary {
  checked: number;
  ok: number;
  failed: number;
  disabled: number;
  /** VERIFY records that could not be written: the job must fail loudly for these. */
  auditFailures: number;
  checks: GrantCheck[];
}

/** Session tags may name the caller; for the check, the caller is the job itself. */
const verifyCaller: Caller = {
  kind: 'aws',
  principalArn: VERIFY_CALLER_KEY,
  account: '',
  principalType: 'role',
  name: 'broker-verify',
  key: VERIFY_CALLER_KEY,
};

export function makeVerifyGrants(deps: VerifyGrantsDeps) {
  const concurrency = deps.concurrency ?? 4;

  async function check(grant: Grant, budget: Budget): Promise<GrantCheck> {
    const id = deps.newId();
    const roleArn = grantRole(grant);
    const durationSeconds = PROVIDER_DURATION_LIMITS[grant.provider].min;
    const roleSessionName = `broker-verify.${id.slice(-10)}`;
    const sourceIdentity = grant.provider === 'aws' ? VERIFY_SOURCE_IDENTITY : undefined;
    let outcome: Pick<GrantCheck, 'status' | 'reason' | 'detail'> & Partial<AuditRecord>;
    try {
      const issuer = deps.issuers[grant.provider];
      if (!issuer) throw providerNotConfigured();
      const session = await issuer.assume(
        {
          roleArn,
          roleSessionName,
          durationSeconds,
          externalId: grant.provider === 'aws' ? grant.externalId : undefined,
          sourceIdentity,
          sessionTags: renderSessionTags(grant, verifyCaller),
          policy: chooseSessionPolicy(grant, undefined).document,
        },
        budget,
      );
      // Only identifiers are kept; the secret key and token go out of scope here.
      outcome = {
        status: 'ok',
        reason: 'ok',
        accessKeyId: session.accessKeyId,
        assumedRoleArn: session.assumedRoleArn,
        expiration: session.expiration.toISOString(),
      };
    } catch (error) {
      const failure = error instanceof BrokerError ? error : undefined;
      outcome = {
        status: 'failed',
        reason: failure?.code ?? 'issuer_error',
        detail: (failure?.internalReason ?? (error instanceof Error ? error.name : 'unknown')).slice(0, 1000),
      };
    }
    const { status, ...fields } = outcome;
    const record: AuditRecord = {
      ...fields,
      issuanceId: id,
      decision: 'VERIFY',
      at: deps.clock().toISOString(),
      callerKey: VERIFY_CALLER_KEY,
      callerPrincipal: VERIFY_CALLER_KEY,
      callerKind: 'aws',
      grantId: grant.id,
      provider: grant.provider,
      roleArn,
      durationSeconds,
      roleSessionName,
      sourceIdentity,
    };
    const audited = await deps.audit.append(record, budget).then(
      () => true,
      () => false,
    );
    const result: GrantCheck = {
      grantId: grant.id,
      provider: grant.provider,
      roleArn,
      status,
      reason: outcome.reason,
      ...(outcome.detail ? { detail: outcome.detail } : {}),
      audited,
    };
    deps.onChecked?.(result);
    return result;
  }

  return async function verifyGrants(budget: Budget): Promise<VerifySummary> {
    const all = deps.grants();
    const enabled = all.filter((grant) => !grant.disabled);
    const checks: GrantCheck[] = [];
    for (let start = 0; start < enabled.length; start += concurrency) {
      const batch = enabled.slice(start, start + concurrency);
      checks.push(...(await Promise.all(batch.map((grant) => check(grant, budget)))));
    }
    const ok = checks.filter((c) => c.status === 'ok').length;
    return {
      checked: checks.length,
      ok,
      failed: checks.length - ok,
      disabled: all.length - enabled.length,
      auditFailures: checks.filter((c) => !c.audited).length,
      checks,
    };
  };
}
