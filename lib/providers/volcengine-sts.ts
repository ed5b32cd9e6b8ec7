/**
 * Volcengine STS AssumeRole behind the Issuer port (Volcengine cross-account temporary authorization). The broker signs as an IAM
 * sub-user (the main account cannot assume roles) with our own HMAC-SHA256 signer.
 *
 * Constraints from outside that shape this module:
 * - The service silently clamps DurationSeconds into 900–43200, so the broker checks the
 *   range itself and refuses, rather than hand out a session the caller did not ask for.
 * - Failures arrive in ResponseMetadata.Error, sometimes with HTTP 200: the body decides.
 * - Throttling and server-side failures are retried with jitter inside the request budget,
 *   then reported as 503; the provider's own words go to internalReason only.
 */

import { type Budget, withTimeout } from '../budget.js';
import {
  PROVIDER_DURATION_LIMITS,
  SESSION_NAME_PATTERN,
  VOLCENGINE_ROLE_TRN_PATTERN,
} from '../contracts/limits.js';
import { dependencyUnavailable, durationOutOfRange, grantMisconfigured } from '../errors.js';
import type { AssumeRoleInput, IssuedSession, Issuer } from '../issuance/ports.js';
import { defaultSleep, RetriesExhausted, withRetries } from '../retry.js';
import { mayHaveMinted } from './call-outcome.js';
import { signVolcengineRequest, type VolcengineSigningKey } from './volcengine-signer.js';
import { interpretAssumeRoleResponse, TransientFailure } from './volcengine-sts-response.js';

export interface VolcengineIssuerOptions {
  /** e.g. https://sts.volcengineapi.com, or the local emulator's URL. */
  endpoint: string;
  /** Signing region of the credential scope; the vendor SDK's default is cn-north-1. */
  region?: string;
  /**
   * The broker's IAM sub-user key (never from the grants file), or where to get it at each
   * call: deployed functions read it from the secret store (cached, so rotation needs no
   * redeploy); a source that throws fails the call with its error, before anything is sent.
   */
  credentials: VolcengineSigningKey | (() => Promise<VolcengineSigningKey>);
  maxAttempts?: number;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  clock?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

const DEPENDENCY = 'volcengine-sts';

export function makeVolcengineIssuer(options: VolcengineIssuerOptions): Issuer {
  const origin = new URL(options.endpoint).origin;
  const host = new URL(options.endpoint).host;
  const scope = { region: options.region ?? 'cn-north-1', service: 'sts' };
  const fetchImpl = options.fetch ?? fetch;
  const clock = options.clock ?? (() => new Date());

  const { credentials } = options;
  const signingKey = typeof credentials === 'function' ? credentials : async () => credentials;

  async function callOnce(
    query: Record<string, string>,
    key: VolcengineSigningKey,
    timeoutMs: number,
  ): Promise<IssuedSession> {
    // Host is signed so a signature cannot be replayed against another endpoint; fetch sets it.
    const signed = signVolcengineRequest(
      { method: 'GET', pathname: '/', query, headers: { Host: host } },
      key,
      scope,
      clock(),
    );
    const { Host: _host, ...headers } = signed.headers;
    let answer: { status: number; text: string };
    try {
      answer = await withTimeout(timeoutMs, async (signal) => {
        const response = await fetchImpl(`${origin}/?${signed.queryString}`, {
          method: 'GET',
          headers,
          redirect: 'error',
          signal,
        });
        return { status: response.status, text: await response.text() };
      });
    } catch (error) {
      const name = error instanceof Error ? error.name : 'unknown';
      throw new TransientFailure(
        name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `network error (${name})`,
        mayHaveMinted(error),
      );
    }
    return interpretAssumeRoleResponse(answer.status, answer.text, clock());
  }

  return {
    provider: 'volcengine',
    async assume(input: AssumeRoleInput, budget: Budget): Promise<IssuedSession> {
      const query = assumeRoleQuery(input);
      const key = await signingKey();
      let attemptsSentUnanswered = 0;
      const attemptOnce = async (timeoutMs: number) => {
        try {
          return await callOnce(query, key, timeoutMs);
        } catch (error) {
          if (error instanceof TransientFailure && error.sentUnanswered) attemptsSentUnanswered += 1;
          throw error;
        }
      };
      try {
        return await withRetries((attempt) => attemptOnce(attempt.timeoutMs), budget, {
          maxAttempts: options.maxAttempts ?? 3,
          requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
          isRetryable: (error) => error instanceof TransientFailure,
          sleep: options.sleep ?? defaultSleep,
        });
      } catch (error) {
        if (!(error instanceof RetriesExhausted)) throw error;
        const last = error.lastError instanceof Error ? `; last failure: ${error.lastError.message}` : '';
        // Any attempt sent without an answer may have minted a session, whatever came after it.
        throw dependencyUnavailable(DEPENDENCY, `${error.message}${last}`, undefined, {
          outcomeUnknown: attemptsSentUnanswered > 0,
        });
      }
    },
  };
}

/** Re-checks what the real service would clamp or misread, before anything is sent. */
function assumeRoleQuery(input: AssumeRoleInput): Record<string, string> {
  const { min, max } = PROVIDER_DURATION_LIMITS.volcengine;
  const duration = input.durationSeconds;
  if (!Number.isInteger(duration) || duration < min || duration > max) {
    throw durationOutOfRange({ min, max }, 'for Volcengine');
  }
  // The rest comes from the grant and the caller's identity, not from the request body: a
  // failure here is a grant the broker cannot serve, not something the caller can fix.
  if (!VOLCENGINE_ROLE_TRN_PATTERN.test(input.roleArn)) {
    throw grantMisconfigured('Volcengine role is not a TRN trn:iam::{accountId}:role/{name}');
  }
  if (!SESSION_NAME_PATTERN.test(input.roleSessionName)) {
    throw grantMisconfigured('Volcengine RoleSessionName is not 2-64 characters of [\\w+=,.@-]');
  }
  // Volcengine has no external id or session tags: dropping them silently would weaken a grant.
  if (input.externalId !== undefined || Object.keys(input.sessionTags ?? {}).length > 0) {
    throw grantMisconfigured('Volcengine supports neither external ids nor session tags');
  }
  return {
    Action: 'AssumeRole',
    Version: '2018-01-01',
    RoleTrn: input.roleArn,
    RoleSessionName: input.roleSessionName,
    DurationSeconds: String(duration),
    ...(input.policy ? { Policy: input.policy } : {}),
  };
}
