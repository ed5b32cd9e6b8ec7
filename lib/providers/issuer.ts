/**
 * The one port every STS flavour implements. The issuance use case knows nothing about
 * AWS or Volcengine wire formats; it hands an already-authorized, already-bounded request
 * to the issuer of the grant's provider.
 */
import type { Budget } from '../budget.js';

import type { ProviderName } from '../contracts/limits.js';

export { PROVIDER_DURATION_LIMITS, type ProviderName } from '../contracts/limits.js';

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

/** Time left for the whole request; issuers derive their timeouts from it (invariant 15). */
export type { Budget } from '../budget.js';

export interface Issuer {
  readonly provider: ProviderName;
  /**
   * Mints a session. Failures are thrown as BrokerError: denied → 403 (generic), invalid
   * parameters → 400 with a safe message, throttling/timeouts/5xx → 503 with Retry-After,
   * with the provider's own message in `internalReason` only.
   */
  assume(input: AssumeRoleInput, budget: Budget): Promise<IssuedSession>;
}

export type Issuers = Partial<Record<ProviderName, Issuer>>;
