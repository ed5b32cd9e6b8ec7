/**
 * Renderings of issued credentials for the places that consume them. These functions are
 * the only ones that put secrets into text, and their output goes only where the user
 * asked (stdout of `broker creds`, a 0600 file of the rotation job), never to a log.
 * Each provider's credentials come out under the names its own SDKs read: AWS keys as
 * AWS_*, Volcengine keys as VOLC_* (and VOLCENGINE_*), never one in the other's form.
 */
import type { IssuedCredentials } from './broker-api.js';

/** The secret part of an issuance (also what fromCredentialBroker returns). */
export type SessionCredentials = IssuedCredentials['credentials'];

export type CredentialsFormat = 'credential-process' | 'env' | 'json';
export const CREDENTIAL_FORMATS: readonly CredentialsFormat[] = ['credential-process', 'env', 'json'];

/** A format that cannot carry these credentials (credential_process for Volcengine). */
export class UnsupportedFormatError extends Error {
  override name = 'UnsupportedFormatError';
}

/** credential_process carries AWS credentials only: throws for any other provider. */
export function assertCredentialProcessProvider(provider: IssuedCredentials['provider']): void {
  if (provider !== 'aws') {
    throw new UnsupportedFormatError(
      `credential_process is the AWS SDKs' contract; ${provider} credentials come as --format env or json`,
    );
  }
}

/** The AWS CLI/SDK `credential_process` contract: Version 1 and the four fields. AWS only. */
export function credentialProcessJson(issued: Pick<IssuedCredentials, 'provider' | 'credentials'>): string {
  assertCredentialProcessProvider(issued.provider);
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = issued.credentials;
  return JSON.stringify({
    Version: 1,
    AccessKeyId: accessKeyId,
    SecretAccessKey: secretAccessKey,
    SessionToken: sessionToken,
    Expiration: expiration.toISOString(),
  });
}

/**
 * The variables the provider's SDKs read. AWS: the standard four (expiration so a consumer
 * knows when to reload). Volcengine: VOLC_ACCESSKEY, VOLC_SECRETKEY, VOLC_SESSIONTOKEN
 * (@volcengine/openapi and the older SDKs) and the VOLCENGINE_* names of the newer ones;
 * no Volcengine SDK reads an expiry, so it is BROKER_CREDENTIAL_EXPIRATION.
 */
export function envVariables(
  issued: Pick<IssuedCredentials, 'provider' | 'credentials'>,
): [name: string, value: string][] {
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = issued.credentials;
  if (issued.provider === 'volcengine') {
    return [
      ['VOLC_ACCESSKEY', accessKeyId],
      ['VOLC_SECRETKEY', secretAccessKey],
      ['VOLC_SESSIONTOKEN', sessionToken],
      ['VOLCENGINE_ACCESS_KEY', accessKeyId],
      ['VOLCENGINE_SECRET_KEY', secretAccessKey],
      ['VOLCENGINE_SESSION_TOKEN', sessionToken],
      ['BROKER_CREDENTIAL_EXPIRATION', expiration.toISOString()],
    ];
  }
  return [
    ['AWS_ACCESS_KEY_ID', accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', secretAccessKey],
    ['AWS_SESSION_TOKEN', sessionToken],
    ['AWS_CREDENTIAL_EXPIRATION', expiration.toISOString()],
  ];
}

/** Shell form for `eval "$(broker creds --format env ...)"`: single-quoted, exported. */
export function shellExports(issued: Pick<IssuedCredentials, 'provider' | 'credentials'>): string {
  return envVariables(issued)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
    .join('\n');
}

/**
 * `NAME=value` lines, the dotenv / systemd EnvironmentFile / docker --env-file form. STS
 * values are base64 and ISO dates, so they never need quoting; anything else is refused
 * rather than written in a form some reader would misparse.
 */
export function envFile(issued: Pick<IssuedCredentials, 'provider' | 'credentials'>): string {
  return `${envVariables(issued)
    .map(([name, value]) => {
      if (!/^[\w+/=.:-]*$/.test(value)) throw new Error(`${name} holds characters an env file cannot carry`);
      return `${name}=${value}`;
    })
    .join('\n')}\n`;
}

/** Everything the broker answered (provider included), expiration as ISO 8601. */
export function fullJson(issued: IssuedCredentials): string {
  return JSON.stringify(
    {
      ...issued,
      credentials: { ...issued.credentials, expiration: issued.credentials.expiration.toISOString() },
    },
    null,
    2,
  );
}

export function formatCredentials(issued: IssuedCredentials, format: CredentialsFormat): string {
  switch (format) {
    case 'credential-process':
      return credentialProcessJson(issued);
    case 'env':
      return shellExports(issued);
    case 'json':
      return fullJson(issued);
  }
}

export const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
