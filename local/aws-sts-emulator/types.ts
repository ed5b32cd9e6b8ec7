import type { SigningIdentity } from '../auth/sigv4-verifier.js';
import type { StsFault } from './faults.js';

export interface EmulatedRole {
  arn: string;
  /**
   * Principal ARNs allowed to assume the role. An assumed-role session
   * `arn:aws:sts::A:assumed-role/R/S` matches `arn:aws:iam::A:role/R`; `arn:aws:iam::A:root`
   * trusts every principal of account A.
   */
  trustedPrincipals: string[];
  /** When set, AssumeRole must pass exactly this ExternalId (else AccessDenied). */
  externalId?: string;
  /** The role's MaxSessionDuration: 3600 (default) to 43200. */
  maxSessionDurationSeconds?: number;
}

export interface RecordedCall {
  at: string;
  requestId: string;
  /** STS action, or '' when the request never got as far as naming one. */
  action: string;
  accessKeyId?: string;
  principalArn?: string;
  /** Request parameters; never a signature, secret key or session token. */
  params: Record<string, string>;
  status: number;
  errorCode?: string;
}

export interface StsEmulatorOptions {
  /** Loopback only (127.0.0.0/8, ::1, localhost); anything else is refused. Default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** When set, the credential scope of every request must name this region. */
  region?: string;
  /** Long-term keys that may call the emulator (the broker's, in the local stack). */
  identities: SigningIdentity[];
  roles: EmulatedRole[];
  clock?: () => Date;
}

export interface StsEmulator {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Live list of calls, oldest first. */
  calls: RecordedCall[];
  clearCalls(): void;
  injectFault(fault: StsFault): void;
  clearFaults(): void;
  /** Every SecretAccessKey and SessionToken issued so far, so tests can grep logs for leaks. */
  issuedSecrets(): string[];
}
