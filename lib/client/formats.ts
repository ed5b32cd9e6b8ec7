/**
 * Renderings of issued credentials for the places that consume them. These functions are
 * the only ones that put secrets into text, and their output goes only where the user
 * asked (stdout of `broker creds`, a 0600 file of the rotation job), never to a log.
 */
import type { IssuedCredentials } from './broker-api.js';

/** The secret part of an issuance (also what fromCredentialBroker returns). */
export type SessionCredentials = IssuedCredentials['credentials'];

export type CredentialsFormat = 'credential-process' | 'env' | 'json';
export const CREDENTIAL_FORMATS: readonly CredentialsFormat[] = ['credential-process', 'env', 'json'];

/** The AWS CLI/SDK `credential_process` contract: Version 1 and the four fields. */
export function credentialProcessJson(credentials: SessionCredentials): string {
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = credentials;
  return JSON.stringify({
    Version: 1,
    AccessKeyId: accessKeyId,
    SecretAccessKey: secretAccessKey,
    SessionToken: sessionToken,
    Expiration: expiration.toISOString(),
  });
}

/** The variables every AWS SDK reads; expiration so a consumer knows when to reload. */
export function envVariables(credentials: SessionCredentials): [name: string, value: string][] {
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = credentials;
  return [
    ['AWS_ACCESS_KEY_ID', accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', secretAccessKey],
    ['AWS_SESSION_TOKEN', sessionToken],
    ['AWS_CREDENTIAL_EXPIRATION', expiration.toISOString()],
  ];
}

/** Shell form for `eval "$(broker creds --format env ...)"`: single-quoted, exported. */
export function shellExports(credentials: SessionCredentials): string {
  return envVariables(credentials)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
    .join('\n');
}

/**
 * `NAME=value` lines, the dotenv / systemd EnvironmentFile / docker --env-file form. STS
 * values are base64 and ISO dates, so they never need quoting; anything else is refused
 * rather than written in a form some reader would misparse.
 */
export function envFile(credentials: SessionCredentials): string {
  return `${envVariables(credentials)
    .map(([name, value]) => {
      if (!/^[\w+/=.:-]*$/.test(value)) throw new Error(`${name} holds characters an env file cannot carry`);
      return `${name}=${value}`;
    })
    .join('\n')}\n`;
}

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
      return credentialProcessJson(issued.credentials);
    case 'env':
      return shellExports(issued.credentials);
    case 'json':
      return fullJson(issued);
  }
}

export const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
