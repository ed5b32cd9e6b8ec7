/**
 * How a client proves who it is to the broker: SigV4 (service execute-api) with some AWS
 * credentials, as API Gateway's IAM authorizer expects. The signer is a function so a
 * caller can plug in anything (a fixed dev identity, a custom chain, a test double).
 */
import { type BrokerCredentials, type SignedRequestInit, signRequest } from './signed-fetch.js';

/** Returns the headers to send with this exact request (body included in the signature). */
export type RequestSigner = (url: string, init: SignedRequestInit) => Promise<Record<string, string>>;

export type CredentialSource = BrokerCredentials | (() => Promise<BrokerCredentials>);

export interface SignerOptions {
  /** Region the API lives in; default: from an execute-api host, else AWS_REGION, else us-east-1. */
  region?: string;
}

/** Signs with the given credentials (or provider, asked on every request: it caches itself). */
export function credentialsSigner(source: CredentialSource, options: SignerOptions = {}): RequestSigner {
  return async (url, init) => {
    const credentials = typeof source === 'function' ? await source() : source;
    return signRequest(
      url,
      { ...init, region: init.region ?? signingRegion(url, options.region) },
      credentials,
    );
  };
}

/**
 * Signs with the AWS SDK's default provider chain (env, SSO, profiles, web identity,
 * ECS/EC2 metadata): what a service running in AWS already has. Loaded lazily so a
 * caller that brings its own signer never loads the chain.
 */
export function defaultChainSigner(options: SignerOptions & { profile?: string } = {}): RequestSigner {
  let chain: (() => Promise<BrokerCredentials>) | undefined;
  return async (url, init) => {
    if (!chain) {
      const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
      chain = fromNodeProviderChain(options.profile ? { profile: options.profile } : {});
    }
    return credentialsSigner(chain, options)(url, init);
  };
}

const EXECUTE_API_HOST = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** The explicit region, else the one in an execute-api host name, else AWS_REGION, else us-east-1. */
export function signingRegion(
  url: string,
  explicit?: string,
  env: Record<string, string | undefined> = process.env,
): string {
  if (explicit) return explicit;
  const fromHost = EXECUTE_API_HOST.exec(new URL(url).hostname)?.[1];
  return fromHost ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
}
