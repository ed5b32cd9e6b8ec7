/**
 * Whose credentials sign the CLI's calls. Deployed: the caller's ambient AWS credentials
 * (the default provider chain: env, profile, SSO, instance role). `--local --as NAME`:
 * the dev identity of local/dev-identities.json whose role or user name is NAME, which
 * only the local stack accepts.
 */
import { fileURLToPath } from 'node:url';
import type { BrokerCredentials } from '../lib/client/signed-fetch.js';
import { awsCaller } from '../lib/grants/caller.js';
import { loadDevIdentities } from '../local/dev-identities.js';
import { UsageError } from './command.js';

const PACKAGED_DEV_IDENTITIES = fileURLToPath(new URL('../local/dev-identities.json', import.meta.url));

export function localCredentials(name: string, env: Record<string, string | undefined>): BrokerCredentials {
  const file = env.BROKER_DEV_IDENTITIES_FILE ?? PACKAGED_DEV_IDENTITIES;
  const identities = loadDevIdentities(file);
  const identity = identities.find((candidate) => awsCaller(candidate.principalArn)?.name === name);
  if (!identity) {
    const names = identities.flatMap((candidate) => awsCaller(candidate.principalArn)?.name ?? []);
    throw new UsageError(`no dev identity named '${name}' in ${file} (known: ${names.join(', ')})`);
  }
  return { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey };
}

/** Loaded on demand: the provider chain pulls in half the SDK, which --local never needs. */
export async function ambientCredentials(): Promise<BrokerCredentials> {
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  const credentials = await fromNodeProviderChain()();
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
  };
}

/** execute-api signatures are per region: taken from the API's hostname when it shows one. */
export function signingRegion(endpoint: string, env: Record<string, string | undefined>): string {
  const host = new URL(endpoint).hostname;
  const fromHost = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1];
  return fromHost ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/** The flag, $BROKER_ENDPOINT, or with --local the local stack's port; for every subcommand. */
export function resolveEndpoint(
  values: { endpoint?: string; local?: boolean },
  env: Record<string, string | undefined>,
): string {
  const endpoint =
    values.endpoint ??
    env.BROKER_ENDPOINT ??
    (values.local ? `http://127.0.0.1:${env.BROKER_PORT ?? 3000}` : undefined);
  if (!endpoint) throw new UsageError('no broker endpoint: give --endpoint URL or set BROKER_ENDPOINT');
  try {
    const url = new URL(endpoint);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('protocol');
  } catch {
    throw new UsageError(`--endpoint is not an http(s) URL: ${endpoint}`);
  }
  return endpoint;
}
