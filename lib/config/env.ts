/**
 * Broker configuration from the environment, validated once at cold start: a Lambda
 * with a broken configuration must fail its first invocation loudly rather than mint
 * credentials under wrong assumptions.
 */
import * as z from 'zod';
import { BODY_LIMIT_BYTES } from '../contracts/limits.js';

const boolean = z.enum(['true', 'false']).transform((v) => v === 'true');
const positiveInt = z.coerce.number().int().positive();
/** An SSM parameter name (a path); the value behind it is a secret, the name is not. */
const parameterName = z.string().regex(/^\/[A-Za-z0-9_.\-/]{1,1010}$/);

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
  /** Per caller, every request to the issuance routes (refusals and dry runs too). */
  BROKER_CALLER_REQUESTS_PER_MINUTE: positiveInt.max(100_000).default(120),
  /** Per caller, every request to the audit routes (refused ones too). */
  BROKER_AUDIT_REQUESTS_PER_MINUTE: positiveInt.max(100_000).default(60),
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
  AWS_REGION: z.string().default('us-east-1'),
  // Secrets by name only (lib/config/secrets.ts): SSM SecureString parameters read at run
  // time. A function is given exactly the names it reads (config/serverless/functions.cjs).
  /** The audit-query cursor HMAC key; the audit-query function fails its cold start without it. */
  BROKER_CURSOR_KEY_PARAMETER: parameterName.optional(),
  /** The broker's Volcengine sub-user key, both halves or neither (the minting functions). */
  BROKER_VOLCENGINE_ACCESS_KEY_ID_PARAMETER: parameterName.optional(),
  BROKER_VOLCENGINE_SECRET_ACCESS_KEY_PARAMETER: parameterName.optional(),
  /** How long a read secret is reused before it is read again: the delay before a rotation is seen. */
  BROKER_SECRETS_MAX_AGE_SECONDS: positiveInt.max(3_600).default(300),
  BROKER_SSM_MAX_ATTEMPTS: positiveInt.max(5).default(2),
  BROKER_SSM_TIMEOUT_MS: positiveInt.max(10_000).default(2_000),
});

export type BrokerConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv) {
  // Parsed once per cold start: zod's compiled fast path (jitless: false) would cost more to
  // generate than it saves on one parse.
  const parsed = envSchema.safeParse(env, { jitless: true });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid broker configuration: ${problems}`);
  }
  const e = parsed.data;
  const volcengineKeyId = e.BROKER_VOLCENGINE_ACCESS_KEY_ID_PARAMETER;
  const volcengineSecret = e.BROKER_VOLCENGINE_SECRET_ACCESS_KEY_PARAMETER;
  if ((volcengineKeyId === undefined) !== (volcengineSecret === undefined)) {
    throw new Error(
      'Invalid broker configuration: BROKER_VOLCENGINE_ACCESS_KEY_ID_PARAMETER and BROKER_VOLCENGINE_SECRET_ACCESS_KEY_PARAMETER go together',
    );
  }
  return {
    stage: e.BROKER_STAGE,
    version: e.BROKER_VERSION,
    grantsFile: e.BROKER_GRANTS_FILE,
    auditTable: e.BROKER_AUDIT_TABLE,
    region: e.AWS_REGION,
    roleChaining: e.BROKER_ROLE_CHAINING,
    maxBodyBytes: e.BROKER_MAX_BODY_BYTES,
    rateLimit: {
      table: e.BROKER_RATE_TABLE,
      perMinute: e.BROKER_RATE_LIMIT_PER_MINUTE,
      requestsPerMinute: e.BROKER_CALLER_REQUESTS_PER_MINUTE,
      auditRequestsPerMinute: e.BROKER_AUDIT_REQUESTS_PER_MINUTE,
    },
    sts: { maxAttempts: e.BROKER_STS_MAX_ATTEMPTS, timeoutMs: e.BROKER_STS_TIMEOUT_MS },
    dynamodb: { maxAttempts: e.BROKER_DYNAMODB_MAX_ATTEMPTS, timeoutMs: e.BROKER_DYNAMODB_TIMEOUT_MS },
    volcengine: { endpoint: e.BROKER_VOLCENGINE_ENDPOINT, region: e.BROKER_VOLCENGINE_REGION },
    secrets: {
      ssm: {
        maxAttempts: e.BROKER_SSM_MAX_ATTEMPTS,
        timeoutMs: e.BROKER_SSM_TIMEOUT_MS,
        maxAgeSeconds: e.BROKER_SECRETS_MAX_AGE_SECONDS,
      },
      /** Parameter names; values are read through the secret store, never from the environment. */
      cursorKey: e.BROKER_CURSOR_KEY_PARAMETER,
      volcengineKey:
        volcengineKeyId !== undefined && volcengineSecret !== undefined
          ? { accessKeyId: volcengineKeyId, secretAccessKey: volcengineSecret }
          : undefined,
    },
  };
}

/** The cursor key's parameter name, or a cold-start failure of a function that was given none. */
export function requireCursorKeyParameter(config: {
  stage: string;
  secrets: { cursorKey?: string };
}): string {
  if (config.secrets.cursorKey === undefined) {
    throw new Error(
      `Invalid broker configuration: BROKER_CURSOR_KEY_PARAMETER is required in stage ${config.stage}`,
    );
  }
  return config.secrets.cursorKey;
}
