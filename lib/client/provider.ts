/**
 * `fromCredentialBroker`: an AWS SDK v3 credential provider backed by the broker, usable
 * as `new S3Client({ credentials: fromCredentialBroker({ endpoint, grant }) })`.
 *
 * It caches the session and asks the broker again only inside the refresh window before
 * expiry; concurrent callers during a refresh share one request (a fleet of SDK calls
 * must not turn into a burst of issuances against the caller's rate limit and the
 * account's shared STS quota). Transient failures are retried by the API client; a 4xx
 * is thrown at once as a BrokerClientError carrying the problem code.
 *
 * It serves AWS credentials only: an answer for another provider (a Volcengine grant) is
 * refused, its credentials dropped, and every later call refuses at once without asking the
 * broker again, so a misconfigured client cannot turn each SDK call into an issuance.
 */
import {
  type BrokerApiOptions,
  type GrantSelector,
  type IssuedCredentials,
  makeBrokerApi,
} from './broker-api.js';
import { UnsupportedFormatError } from './formats.js';

/** Structurally the SDK's AwsCredentialIdentity (no dependency on @smithy/types needed). */
export interface BrokerCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Structurally the SDK's AwsCredentialIdentityProvider. */
export type BrokerCredentialProvider = (
  identityProperties?: Record<string, unknown>,
) => Promise<BrokerCredentialIdentity>;

export type FromCredentialBrokerOptions = BrokerApiOptions &
  GrantSelector & {
    durationSeconds?: number;
    policy?: Record<string, unknown>;
    /** Refresh this long before expiry (default 5 minutes). */
    refreshWindowMs?: number;
    /** Told about each issuance (ids and expiry only, never secrets): for logs and metrics. */
    onIssued?: (issued: Omit<IssuedCredentials, 'credentials'> & { expiration: Date }) => void;
  };

export const DEFAULT_REFRESH_WINDOW_MS = 5 * 60_000;

export function fromCredentialBroker(options: FromCredentialBrokerOptions): BrokerCredentialProvider {
  const api = makeBrokerApi(options);
  const now = options.now ?? (() => new Date());
  const refreshWindowMs = options.refreshWindowMs ?? DEFAULT_REFRESH_WINDOW_MS;
  const selector: GrantSelector =
    options.grant !== undefined ? { grant: options.grant } : { roleArn: options.roleArn ?? '' };
  const request = {
    ...selector,
    ...(options.durationSeconds === undefined ? {} : { durationSeconds: options.durationSeconds }),
    ...(options.policy === undefined ? {} : { policy: options.policy }),
  };

  let cached: BrokerCredentialIdentity | undefined;
  let inflight: Promise<BrokerCredentialIdentity> | undefined;
  let refused: UnsupportedFormatError | undefined;

  const fresh = (identity: BrokerCredentialIdentity) =>
    identity.expiration.getTime() - refreshWindowMs > now().getTime();

  async function refresh(): Promise<BrokerCredentialIdentity> {
    const { credentials, ...issued } = await api.issueCredentials(request);
    options.onIssued?.({ ...issued, expiration: credentials.expiration });
    if (issued.provider !== 'aws') {
      refused = new UnsupportedFormatError(
        `fromCredentialBroker provides AWS credentials; grant ${issued.grant} issues ${issued.provider} credentials`,
      );
      throw refused;
    }
    cached = { ...credentials };
    return { ...credentials };
  }

  return async () => {
    if (refused) throw refused;
    if (cached && fresh(cached)) return { ...cached };
    inflight ??= refresh().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };
}
