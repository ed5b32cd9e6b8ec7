/**
 * Evidence export to S3: one object per sealed window under `windows/`, in a bucket with
 * versioning and Object Lock in compliance mode (default retention from the template), so
 * not even the account root can delete or overwrite a window's evidence before it expires.
 * Only the digest function's role may put objects; nobody may delete them.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { withTimeout } from '../../budget.js';
import { evidenceFileName, evidenceFileText } from './evidence-file.js';
import type { EvidenceExport } from './ports.js';

export interface S3EvidenceExportOptions {
  client: S3Client;
  bucket: string;
  timeoutMs: number;
}

export const EVIDENCE_PREFIX = 'windows/';

export function makeS3EvidenceExport({ client, bucket, timeoutMs }: S3EvidenceExportOptions): EvidenceExport {
  return {
    async put(digest, records) {
      await withTimeout(timeoutMs, (abortSignal) =>
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: `${EVIDENCE_PREFIX}${evidenceFileName(digest)}`,
            Body: evidenceFileText(digest, records),
            ContentType: 'application/x-ndjson',
            // Object Lock buckets refuse a put without an integrity checksum.
            ChecksumAlgorithm: 'SHA256',
          }),
          { abortSignal },
        ),
      );
    },
  };
}
