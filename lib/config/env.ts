/**
 * Broker configuration from the environment, validated once at cold start: a Lambda
 * with a broken configuration must fail its first invocation loudly rather than mint
 * credentials under wrong assumptions.
 */
import * as z from 'zod';
import { BODY_LIMIT_BYTES } from '../contracts/limits.js';

const boolean = z.enum(['true', 'false']).transform((v) => v === 'true');
const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  // No defaults for the stage, the grants file or the tables, in any stage: a Lambda that
  // lost its environment must fail its cold start, not fall back to the local stage (public
  // dev cursor key) or to local resource names. The local stack sets every one of them.
  BROKER_STAGE: z.string().regex(/^[a-z0-9-]{1,32}$/),
  BROKER_GRANTS_FILE: z.string().min(1),
  BROKER_AUDIT_TABLE: z.string().min(3).max(255),
  /** Per-caller issuance counters, kept apart so the audit table stays append-only. */
  BROKER_RATE_TABLE: z.string().min(3).max(255),
  /** Per caller and grant; a grant's rateLimitPerMinute overrides it. */
  BROKER_RATE_LIMIT_PER_MINUTE: positiveInt.max(100_000).default(60),
  BROKER_VERSION: z.string().default('0.1.0'),
  /** The broker runs as a Lambda role, so AWS caps chained sessions at 3600 s. */
  BROKER_ROLE_CHAINING: boolean.default(true),
  BROKER_STS_MAX_ATTEMPTS: positiveInt.max(5).default(3),
  BROKER_STS_TIMEOUT_MS: positiveInt.max(25_000).default(3_000),
  BROKER_DYNAMODB_MAX_ATTEMPTS: positiveInt.max(5).default(2),
  BROKER_DYNAMODB_TIMEOUT_MS: positiveInt.max(25_000).default(1_500),
  BROKER_MAX_BODY_BYTES: positiveInt.max(BODY_LIMIT_BYTES.max).default(BODY_LIMIT_BYTES.default),
  BROKER_VOLCENGINE_ENDPOINT: z.string().url().default('https://sts.volcengineapi.com'),
  BROKER_VOLCENGINE_REGION: z.string().default('cn-north-1'),
  BROKER_VOLCENGINE_ACCESS_KEY_ID: z.string().optional(),
  BROKER_VOLCENGINE_SECRET_ACCESS_KEY: z.string().optional(),
  AWS_REGION: z.string().default('us-east-1'),
  /** HMAC key of audit-query cursors; from SSM in deployed stages (serverless.yml). */
  BROKER_CURSOR_KEY: z.string().min(32).optional(),
});

/** Local stage only: cursors of a dev stack need no secrecy, and a deployed stage refuses this value. */
export const LOCAL_CURSOR_KEY = 'local-dev-cursor-key-not-a-secret-0000';

export type BrokerConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid broker configuration: ${problems}`);
  }
  const e = parsed.data;
  const local = e.BROKER_STAGE === 'local';
  if (!local && e.BROKER_CURSOR_KEY === LOCAL_CURSOR_KEY) {
    throw new Error('Invalid broker configuration: BROKER_CURSOR_KEY is the local dev key');
  }
  return {
    stage: e.BROKER_STAGE,
    version: e.BROKER_VERSION,
    grantsFile: e.BROKER_GRANTS_FILE,
    auditTable: e.BROKER_AUDIT_TABLE,
    region: e.AWS_REGION,
    roleChaining: e.BROKER_ROLE_CHAINING,
    maxBodyBytes: e.BROKER_MAX_BODY_BYTES,
    rateLimit: { table: e.BROKER_RATE_TABLE, perMinute: e.BROKER_RATE_LIMIT_PER_MINUTE },
    /** Only the audit-query function is given the key; it calls requireCursorKey at cold start. */
    cursorKey: e.BROKER_CURSOR_KEY ?? (local ? LOCAL_CURSOR_KEY : undefined),
    sts: { maxAttempts: e.BROKER_STS_MAX_ATTEMPTS, timeoutMs: e.BROKER_STS_TIMEOUT_MS },
    dynamodb: { maxAttempts: e.BROKER_DYNAMODB_MAX_ATTEMPTS, timeoutMs: e.BROKER_DYNAMODB_TIMEOUT_MS },
    volcengine:
      e.BROKER_VOLCENGINE_ACCESS_KEY_ID && e.BROKER_VOLCENGINE_SECRET_ACCESS_KEY
        ? {
            endpoint: e.BROKER_VOLCENGINE_ENDPOINT,
            region: e.BROKER_VOLCENGINE_REGION,
            credentials: {
              accessKeyId: e.BROKER_VOLCENGINE_ACCESS_KEY_ID,
              secretAccessKey: e.BROKER_VOLCENGINE_SECRET_ACCESS_KEY,
            },
          }
        : undefined,
  };
}

/** The cursor key, or a cold-start failure in a deployed stage that was not given one. */
export function requireCursorKey(config: { stage: string; cursorKey: string | undefined }): string {
  if (config.cursorKey === undefined) {
    throw new Error(
      `Invalid broker configuration: BROKER_CURSOR_KEY (>= 32 characters) is required in stage ${config.stage}`,
    );
  }
  return config.cursorKey;
}
