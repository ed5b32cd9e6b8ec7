/**
 * The KMS client and the digest signer on it, built once per cold start, for the functions
 * that sign digests (audit-digest) or serve the public key (audit-query).
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { makeKmsSigner } from '../../lib/audit/digest/kms-signer.js';
import { loadDigestConfig, requireKmsKeyId } from '../../lib/config/digest.js';
import { config } from './runtime.js';

export const digestConfig = loadDigestConfig(process.env);

const kmsClient = new KMSClient({ region: config.region, maxAttempts: 3 });

export const digestSigner = makeKmsSigner({
  client: kmsClient,
  keyId: requireKmsKeyId(digestConfig, config.stage),
  timeoutMs: 5_000,
});
