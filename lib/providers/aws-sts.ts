/**
 * AWS STS issuer. The STSClient is built once per cold start by the composition root
 * with explicit maxAttempts (the SDK's retries carry jitter and handle Throttling);
 * each AssumeRole gets an abort signal derived from the request budget, so a hanging STS
 * costs a 503, never a Lambda timeout.
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { type Budget, callTimeoutMs, withTimeout } from '../budget.js';
import { BrokerError, dependencyUnavailable, forbidden, providerRejectedRequest } from '../errors.js';
import type { AssumeRoleInput, IssuedSession, Issuer } from '../issuance/ports.js';
import { mayHaveMinted } from './call-outcome.js';

export interface AwsIssuerOptions {
  client: STSClient;
  timeoutMs: number;
}

export function makeAwsIssuer({ client, timeoutMs }: AwsIssuerOptions): Issuer {
  return {
    provider: 'aws',
    async assume(input: AssumeRoleInput, budget: Budget): Promise<IssuedSession> {
      const callMs = callTimeoutMs(budget, timeoutMs, 'sts');
      try {
        const response = await withTimeout(callMs, (abortSignal) =>
          client.send(
            new AssumeRoleCommand({
              RoleArn: input.roleArn,
              RoleSessionName: input.roleSessionName,
              DurationSeconds: input.durationSeconds,
              ExternalId: input.externalId,
              SourceIdentity: input.sourceIdentity,
              Policy: input.policy,
              Tags: input.sessionTags
                ? Object.entries(input.sessionTags).map(([Key, Value]) => ({ Key, Value }))
                : undefined,
            }),
            { abortSignal },
          ),
        );
        const credentials = response.Credentials;
        const user = response.AssumedRoleUser;
        if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
          throw dependencyUnavailable('sts', 'AssumeRole answered without credentials');
        }
        return {
          accessKeyId: credentials.AccessKeyId,
          secretAccessKey: credentials.SecretAccessKey,
          sessionToken: credentials.SessionToken,
          expiration: credentials.Expiration ?? new Date(Date.now() + input.durationSeconds * 1000),
          assumedRoleArn: user?.Arn ?? '',
          assumedRoleId: user?.AssumedRoleId,
          packedPolicySize: response.PackedPolicySize,
          sourceIdentity: response.SourceIdentity,
        };
      } catch (error) {
        throw mapStsError(error);
      }
    },
  };
}

/**
 * STS messages can name roles and accounts: they go to `internalReason` (log and audit),
 * and the caller gets a stable code with a message written here.
 */
export function mapStsError(error: unknown): BrokerError {
  if (error instanceof BrokerError) return error;
  const name = error instanceof Error ? error.name : 'UnknownError';
  const detail = `${name}: ${error instanceof Error ? error.message : String(error)}`;
  switch (name) {
    case 'AccessDenied':
    case 'AccessDeniedException':
      return forbidden(`sts ${detail}`);
    case 'MalformedPolicyDocument':
    case 'MalformedPolicyDocumentException':
      return providerRejected('STS rejected the session policy as malformed.', detail, error);
    case 'PackedPolicyTooLarge':
    case 'PackedPolicyTooLargeException':
      return providerRejected('The session policy and tags are too large once packed by STS.', detail, error);
    case 'ValidationError':
      return providerRejected('STS rejected a parameter of this request.', detail, error);
    default:
      // Throttling after the SDK's retries, RegionDisabled, expired or invalid broker
      // credentials, timeouts, network faults: the caller can only retry later. A call that
      // was sent and got no answer may still have minted a session.
      return dependencyUnavailable('sts', detail, error, { outcomeUnknown: mayHaveMinted(error) });
  }
}

const providerRejected = (message: string, internalReason: string, cause: unknown) =>
  providerRejectedRequest(internalReason, { message, cause });

export interface IdentityProbe {
  /** Who the broker itself runs as, through the same client and permissions it mints with. */
  whoAmI(budget: Budget): Promise<{ arn: string; account: string }>;
}

export function makeAwsIdentityProbe({ client, timeoutMs }: AwsIssuerOptions): IdentityProbe {
  return {
    async whoAmI(budget) {
      const callMs = callTimeoutMs(budget, timeoutMs, 'sts');
      try {
        const identity = await withTimeout(callMs, (abortSignal) =>
          client.send(new GetCallerIdentityCommand({}), { abortSignal }),
        );
        return { arn: identity.Arn ?? '', account: identity.Account ?? '' };
      } catch (error) {
        throw dependencyUnavailable(
          'sts',
          `GetCallerIdentity ${error instanceof Error ? error.name : ''}`,
          error,
        );
      }
    },
  };
}
