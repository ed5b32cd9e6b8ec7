/**
 * How a command reaches the broker: the endpoint (flag, $BROKER_ENDPOINT, or with --local
 * the local stack's port), whose credentials sign (deployed: the caller's ambient AWS
 * credentials from the SDK's default chain; `--local --as NAME`: a dev identity of the
 * local stack), and retries announced on stderr. One place for every command.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type BrokerApi, makeBrokerApi, type RetryAnnouncement } from '../lib/client/broker-api.js';
import { brokerBaseUrl, EndpointError } from '../lib/client/endpoint.js';
import type { BrokerCredentials } from '../lib/client/signed-fetch.js';
import { credentialsSigner, type RequestSigner, signingRegion } from '../lib/client/signer.js';
import { awsCaller } from '../lib/grants/caller.js';
import { loadDevIdentities } from '../local/dev-identities.js';
import { type CliIo, UsageError } from './command.js';

/** Values of CONNECTION_OPTIONS after parsing. */
export interface ConnectionValues {
  endpoint?: string;
  region?: string;
  local?: boolean;
  as?: string;
}

/** No usable ambient AWS credentials to sign with (none configured, expired SSO): exit 2. */
export class SigningSetupError extends Error {
  override name = 'SigningSetupError';
}

/**
 * Set while we resolve ambient credentials: when the profile that runs `broker creds`
 * as its credential_process is also the profile the default chain signs with, the chain
 * would start us again, forever. The child sees the marker and stops.
 */
const RECURSION_MARKER = 'BROKER_CREDS_SIGNING';

export function connect(
  values: ConnectionValues,
  io: CliIo,
  options: { defaultLocalIdentity?: string } = {},
): BrokerApi {
  const endpoint = resolveEndpoint(values, io.env);
  return makeBrokerApi({
    endpoint,
    signer: makeSigner(values, endpoint, io.env, options.defaultLocalIdentity),
    onRetry: (retry) => io.stderr(`broker: ${retryLine(retry)}\n`),
  });
}

/** `retrying in 6 s: rate_limited (attempt 2 of 5)` */
export function retryLine(retry: RetryAnnouncement): string {
  const seconds = retry.delayMs >= 1000 ? `${Math.round(retry.delayMs / 1000)} s` : `${retry.delayMs} ms`;
  return `retrying in ${seconds}: ${retry.error.code} (attempt ${retry.attempt} of ${retry.maxAttempts})`;
}

/** The flag, $BROKER_ENDPOINT, or with --local the local stack's port; https:// unless loopback. */
export function resolveEndpoint(values: ConnectionValues, env: CliIo['env']): string {
  const endpoint =
    values.endpoint ??
    env.BROKER_ENDPOINT ??
    (values.local ? `http://127.0.0.1:${env.BROKER_PORT ?? 3000}` : undefined);
  if (!endpoint) throw new UsageError('no broker endpoint: give --endpoint URL or set BROKER_ENDPOINT');
  try {
    return brokerBaseUrl(endpoint);
  } catch (error) {
    if (error instanceof EndpointError) throw new UsageError(`--endpoint: ${error.message}`);
    throw error;
  }
}

export function makeSigner(
  values: ConnectionValues,
  endpoint: string,
  env: CliIo['env'],
  defaultLocalIdentity: string | undefined,
): RequestSigner {
  const region = signingRegion(endpoint, values.region, env);
  if (values.local) {
    const name = values.as ?? defaultLocalIdentity;
    if (!name) throw new UsageError('--local needs --as NAME (a dev identity of the local stack)');
    return credentialsSigner(localCredentials(name, env), { region });
  }
  if (values.as) throw new UsageError('--as is only for the local stack: add --local');
  if (env[RECURSION_MARKER]) {
    throw new UsageError(
      'the AWS profile used to sign is the one that runs broker creds; sign with another profile (AWS_PROFILE=base broker creds ...)',
    );
  }
  return credentialsSigner(
    async () => {
      process.env[RECURSION_MARKER] = '1';
      try {
        return await ambientCredentials();
      } catch (error) {
        throw new SigningSetupError(error instanceof Error ? error.message : String(error));
      } finally {
        delete process.env[RECURSION_MARKER];
      }
    },
    { region },
  );
}

/**
 * The dev identity whose role or user name is NAME, from $BROKER_DEV_IDENTITIES_FILE or
 * the repository's local/dev-identities.json (run from the checkout that runs `npm start`).
 */
export function localCredentials(name: string, env: CliIo['env']): BrokerCredentials {
  const file = env.BROKER_DEV_IDENTITIES_FILE ?? resolve('local/dev-identities.json');
  if (!existsSync(file)) {
    throw new UsageError(
      `--local signs with the local stack's dev identities, and ${file} does not exist: run from the broker repository or set BROKER_DEV_IDENTITIES_FILE`,
    );
  }
  const identities = loadDevIdentities(file);
  const identity = identities.find((candidate) => awsCaller(candidate.principalArn)?.name === name);
  if (!identity) {
    const names = identities.flatMap((candidate) => awsCaller(candidate.principalArn)?.name ?? []);
    throw new UsageError(`no dev identity named '${name}' in ${file} (known: ${names.join(', ')})`);
  }
  return { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey };
}

/** Loaded on demand: the provider chain pulls in half the SDK, which --local never needs. */
async function ambientCredentials(): Promise<BrokerCredentials> {
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  const credentials = await fromNodeProviderChain()();
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
  };
}
