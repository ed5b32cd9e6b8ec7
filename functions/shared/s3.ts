/** The S3 client and the evidence export on it, built once per cold start (audit-digest only). */
import { S3Client } from '@aws-sdk/client-s3';
import { makeS3EvidenceExport } from '../../lib/audit/digest/s3-evidence-export.js';
import { requireExportBucket } from '../../lib/config/digest.js';
import { digestConfig } from './kms.js';
import { config } from './runtime.js';

export const evidenceExport = makeS3EvidenceExport({
  client: new S3Client({ region: config.region, maxAttempts: 3 }),
  bucket: requireExportBucket(digestConfig, config.stage),
  timeoutMs: 10_000,
});
