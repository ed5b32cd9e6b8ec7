/**
 * Configuration of the audit digest chain, validated at cold start like the rest of the
 * environment. Deployed, the KMS key and the evidence bucket come from the template;
 * locally a PEM key and an evidence folder under `.local/` stand in for them.
 */
import * as z from 'zod';

const digestEnvSchema = z.object({
  /** Length of a sealed window; windows are aligned to the epoch. */
  BROKER_DIGEST_WINDOW_SECONDS: z.coerce.number().int().min(60).max(86_400).default(300),
  /** How long a closed window waits before sealing (the by-day index is eventually consistent). */
  BROKER_DIGEST_SETTLE_SECONDS: z.coerce.number().int().min(0).max(3_600).default(120),
  /** KMS key (id or ARN) that signs digests; deployed stages only. */
  BROKER_DIGEST_KMS_KEY_ID: z.string().min(1).max(2048).optional(),
  /** S3 bucket of the sealed-window exports; deployed stages only. */
  BROKER_DIGEST_EXPORT_BUCKET: z.string().min(3).max(63).optional(),
  BROKER_DIGEST_KEY_FILE: z.string().min(1).default('.local/audit-digest/signing-key.pem'),
  BROKER_DIGEST_EVIDENCE_DIR: z.string().min(1).default('.local/audit-evidence'),
});

export type DigestConfig = ReturnType<typeof loadDigestConfig>;

export function loadDigestConfig(env: NodeJS.ProcessEnv) {
  // Parsed once per cold start: no compiled fast path (see loadConfig).
  const parsed = digestEnvSchema.safeParse(env, { jitless: true });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid audit digest configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    settings: {
      windowSeconds: e.BROKER_DIGEST_WINDOW_SECONDS,
      settleSeconds: e.BROKER_DIGEST_SETTLE_SECONDS,
    },
    kmsKeyId: e.BROKER_DIGEST_KMS_KEY_ID,
    exportBucket: e.BROKER_DIGEST_EXPORT_BUCKET,
    keyFile: e.BROKER_DIGEST_KEY_FILE,
    evidenceDir: e.BROKER_DIGEST_EVIDENCE_DIR,
  };
}

/** A deployed function that signs or serves the key must be given the KMS key: fail the cold start. */
export const requireKmsKeyId = (config: DigestConfig, stage: string): string =>
  required(config.kmsKeyId, 'BROKER_DIGEST_KMS_KEY_ID', stage);

/** The sealer exports every window: without a bucket it must not start. */
export const requireExportBucket = (config: DigestConfig, stage: string): string =>
  required(config.exportBucket, 'BROKER_DIGEST_EXPORT_BUCKET', stage);

function required(value: string | undefined, name: string, stage: string): string {
  if (value === undefined)
    throw new Error(`Invalid audit digest configuration: ${name} is required in stage ${stage}`);
  return value;
}
