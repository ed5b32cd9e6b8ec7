/**
 * The SSM side of the secret store, imported on the first read only (lib/config/ssm-secrets.ts):
 * the SSM client and Powertools Parameters stay out of the cold start of a function whose
 * requests may never read a secret (issue-credentials reads one for Volcengine grants only).
 */
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';

export interface SsmSecretStoreOptions {
  region: string;
  maxAttempts: number;
  /** Per attempt: a read that waits on SSM must still fit in the Lambda's time. */
  timeoutMs: number;
  maxAgeSeconds: number;
}

export const makeSsmProvider = (options: SsmSecretStoreOptions) =>
  new SSMProvider({
    awsSdkV3Client: new SSMClient({
      region: options.region,
      maxAttempts: options.maxAttempts,
      requestHandler: { connectionTimeout: options.timeoutMs, requestTimeout: options.timeoutMs },
    }),
  });
