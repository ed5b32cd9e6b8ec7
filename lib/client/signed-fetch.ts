/**
 * Calls the broker API signed with SigV4 (service execute-api), as API Gateway's IAM
 * authorizer expects. Used by the CLI, the SDK provider and the tests.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface BrokerCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignedRequestInit {
  method: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  region?: string;
  signingDate?: Date;
  signal?: AbortSignal;
}

export async function signRequest(url: string, init: SignedRequestInit, credentials: BrokerCredentials) {
  const target = new URL(url);
  const query: Record<string, string> = {};
  target.searchParams.forEach((value, key) => {
    query[key] = value;
  });
  const signer = new SignatureV4({
    service: 'execute-api',
    region: init.region ?? 'us-east-1',
    credentials,
    sha256: Sha256,
  });
  const request = new HttpRequest({
    method: init.method,
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port ? Number(target.port) : undefined,
    path: target.pathname,
    query,
    headers: {
      host: target.host,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    body: init.body,
  });
  const signed = await signer.sign(request, { signingDate: init.signingDate });
  return signed.headers;
}

export async function signedFetch(
  url: string,
  init: SignedRequestInit,
  credentials: BrokerCredentials,
): Promise<Response> {
  const headers = await signRequest(url, init, credentials);
  // Never followed: a redirect would carry the signed headers and the body to another host.
  return fetch(url, {
    method: init.method,
    headers,
    body: init.body,
    signal: init.signal,
    redirect: 'error',
  });
}
