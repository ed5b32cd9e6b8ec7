/**
 * The scheduled grant check (a connectivity check, as Apache Doris runs against S3): for
 * every enabled grant, a real AssumeRole with the provider's minimum duration and exactly
 * the parameters an issuance sends (ExternalId, SourceIdentity, session tags, ceiling
 * policy), so a missing role, a trust policy without the broker, a wrong external id or a
 * trust policy without sts:TagSession shows up before a job needs the grant. The
 * credentials are dropped at once. Each check writes an INTENT before it calls STS and a
 * VERIFY record with the result. One failing grant never stops the others.
 */
import type { AuditRecord } from '../audit/record.js';
import type { Budget } from '../budget.js';
import { type Grant, grantRole } from '../config/grants-schema.js';
import { providerNotConfigured } from '../errors.js';
import { assumeRoleInput, type SessionRequest, sentSourceIdentity } from '../issuance/assume-role-input.js';
import { failureFields } from '../issuance/failure.js';
import type { AuditStore, Clock, IdSource, IssuedSession, Issuers } from '../issuance/ports.js';
import { chooseSessionPolicy } from '../issuance/session-policy.js';
import { renderSessionTags, type TagSubject } from '../issuance/session-tags.js';
import { PROVIDER_DURATION_LIMITS } from '../providers/issuer.js';

/**
 * Nobody calls the check: the VERIFY records name the broker's own scheduled job under
 * this key (never a key a real caller can have: those start with `aws:` or `oidc:`), and
 * its sessions carry this SourceIdentity.
 */
export const VERIFY_CALLER_KEY = 'system:verify-grants';
export const VERIFY_SOURCE_IDENTITY = 'credential-broker-verify';

/** What a grant's `{caller.*}` session-tag placeholders render to in a check: the job. */
const VERIFY_TAG_SUBJECT: TagSubject = { name: 'broker-verify', account: '', id: VERIFY_CALLER_KEY };

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
  newId: IdSource;
  clock: Clock;
  /** One call per grant, after its record is written (metrics, logs). */
  onChecked: (check: GrantCheck) => void;
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

type CheckSession = Pick<SessionRequest, 'roleSessionName' | 'durationSeconds'>;

type CheckOutcome = Pick<GrantCheck, 'status' | 'reason'> & {
  detail?: string | undefined;
} & Partial<AuditRecord>;

export function makeVerifyGrants(deps: VerifyGrantsDeps) {
  const concurrency = deps.concurrency ?? 4;

  /** The AssumeRole an issuance of this grant would send; tags or policy may refuse it too. */
  async function tryAssume(grant: Grant, session: CheckSession, budget: Budget): Promise<IssuedSession> {
    const issuer = deps.issuers[grant.provider];
    if (!issuer) throw providerNotConfigured();
    return issuer.assume(
      assumeRoleInput(grant, {
        ...session,
        sourceIdentity: VERIFY_SOURCE_IDENTITY,
        sessionTags: renderSessionTags(grant, VERIFY_TAG_SUBJECT),
        policyDocument: chooseSessionPolicy(grant, undefined).document,
      }),
      budget,
    );
  }

  /** The records of one check: an INTENT before STS is called, then its VERIFY outcome. */
  function checkRecord(grant: Grant, checkId: string, session: CheckSession, fields: Partial<AuditRecord>) {
    return (decision: 'INTENT' | 'VERIFY'): AuditRecord => ({
      ...fields,
      issuanceId: checkId,
      decision,
      at: deps.clock().toISOString(),
      callerKey: VERIFY_CALLER_KEY,
      callerPrincipal: VERIFY_CALLER_KEY,
      callerKind: 'aws',
      grantId: grant.id,
      provider: grant.provider,
      roleArn: grantRole(grant),
      ...session,
      sourceIdentity: sentSourceIdentity(grant, VERIFY_SOURCE_IDENTITY),
    });
  }

  async function check(grant: Grant, budget: Budget): Promise<GrantCheck> {
    const checkId = deps.newId();
    const roleArn = grantRole(grant);
    // The provider's minimum duration: the credentials are dropped at once anyway.
    const session: CheckSession = {
      roleSessionName: `broker-verify.${checkId.slice(-10)}`,
      durationSeconds: PROVIDER_DURATION_LIMITS[grant.provider].min,
    };
    const report = (outcome: CheckOutcome, audited: boolean): GrantCheck => {
      const result: GrantCheck = {
        grantId: grant.id,
        provider: grant.provider,
        roleArn,
        status: outcome.status,
        reason: outcome.reason,
        ...(outcome.detail ? { detail: outcome.detail } : {}),
        audited,
      };
      deps.onChecked(result);
      return result;
    };
    // Like an issuance, the check fails closed: no STS call without a committed INTENT.
    const intent = await deps.audit.append(checkRecord(grant, checkId, session, {})('INTENT'), budget).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (intent !== undefined) return report({ status: 'failed', ...failureFields(intent) }, false);

    let outcome: CheckOutcome;
    try {
      const minted = await tryAssume(grant, session, budget);
      // Only identifiers are kept; the secret key and token go out of scope here.
      outcome = {
        status: 'ok',
        reason: 'ok',
        accessKeyId: minted.accessKeyId,
        assumedRoleArn: minted.assumedRoleArn,
        expiration: minted.expiration.toISOString(),
      };
    } catch (error) {
      outcome = { status: 'failed', ...failureFields(error) };
    }
    const { status: _status, ...fields } = outcome;
    const audited = await deps.audit
      .append(checkRecord(grant, checkId, session, fields)('VERIFY'), budget)
      .then(
        () => true,
        () => false,
      );
    return report(outcome, audited);
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
