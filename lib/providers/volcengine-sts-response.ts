/**
 * Reading a Volcengine STS AssumeRole answer. Failures arrive in ResponseMetadata.Error,
 * sometimes with HTTP 200, so the body decides before the status does. Errors are mapped
 * to the broker's family: denied → 403 (generic), bad parameters → 400 (generic), the
 * broker's own key refused → 500, throttling and server trouble → TransientFailure (the
 * caller retries). The provider's words go to internalReason only, and no value of a
 * credential field ever lands in a message.
 */
import * as z from 'zod';
import { dependencyUnavailable, forbidden, providerAuthFailed, providerRejectedRequest } from '../errors.js';
import type { IssuedSession } from '../issuance/ports.js';

const DEPENDENCY = 'volcengine-sts';

// Offset required: a time without one would be read in the Lambda's local zone.
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const THROTTLING_CODES = new Set([
  'Throttling',
  'RequestLimitExceeded',
  'FlowLimitExceeded',
  'TooManyRequests',
]);
const SERVER_CODES = new Set([
  'InternalError',
  'InternalServiceError',
  'InternalServiceTimeout',
  'ServiceUnavailable',
]);
const DENIED_CODES = /^(AccessDenied|Forbidden|NoPermission|OperationDenied)|NotExist|NotFound/;
// The broker's own key or clock is wrong: nothing the caller did, nothing a retry fixes.
const BROKER_AUTH_CODES = new Set([
  'SignatureDoesNotMatch',
  'InvalidAuthorization',
  'InvalidAccessKey',
  'InvalidCredential',
  'AccessKeyDisabled',
  'MissingAuthenticationToken',
  'InvalidTimestamp',
]);
const INVALID_PARAMETER_CODES =
  /^(InvalidParameter|MissingParameter|InvalidPolicy|MalformedPolicy|PolicyTooLarge)/;

/** A failure worth another attempt. Its message never holds a secret: it is built here. */
export class TransientFailure extends Error {
  /** Sent, then no answer (timeout, reset): the provider may have minted a session. */
  constructor(
    message: string,
    readonly sentUnanswered = false,
  ) {
    super(message);
  }
}

const envelopeSchema = z.object({
  ResponseMetadata: z
    .object({
      RequestId: z.string().optional(),
      Error: z.object({ Code: z.string().optional(), Message: z.string().optional() }).optional(),
    })
    .optional(),
  Result: z.unknown().optional(),
});

const nonEmpty = z.string().min(1);
const resultSchema = z.object({
  Credentials: z.object({
    AccessKeyId: nonEmpty,
    SecretAccessKey: nonEmpty,
    SessionToken: nonEmpty,
    ExpiredTime: z.union([nonEmpty, z.number()]),
  }),
  AssumedRoleUser: z.object({ Trn: nonEmpty, AssumedRoleId: z.string().optional() }),
});

export function interpretAssumeRoleResponse(status: number, text: string, now: Date): IssuedSession {
  const envelope = envelopeSchema.safeParse(parseJson(text));
  const metadata = envelope.success ? envelope.data.ResponseMetadata : undefined;
  const requestId = metadata?.RequestId ?? 'none';
  if (metadata?.Error) {
    throw errorFor(status, metadata.Error.Code ?? '', metadata.Error.Message ?? '', requestId);
  }
  if (status === 429 || status >= 500) throw new TransientFailure(`HTTP ${status} (RequestId ${requestId})`);
  if (status !== 200 || !envelope.success) {
    throw dependencyUnavailable(DEPENDENCY, `unexpected response: HTTP ${status} (RequestId ${requestId})`);
  }
  const result = resultSchema.safeParse(envelope.data.Result);
  // Only the paths of the bad fields: the values may be credentials.
  const expiration = result.success ? parseExpiredTime(result.data.Credentials.ExpiredTime) : undefined;
  if (!result.success || !expiration || expiration.getTime() <= now.getTime()) {
    const fields = result.success
      ? 'Credentials.ExpiredTime'
      : result.error.issues.map((i) => i.path.join('.')).join(', ');
    throw dependencyUnavailable(
      DEPENDENCY,
      `malformed AssumeRole result: ${fields} (RequestId ${requestId})`,
    );
  }
  const { Credentials: credentials, AssumedRoleUser: assumedRoleUser } = result.data;
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    expiration,
    assumedRoleArn: assumedRoleUser.Trn,
    ...(assumedRoleUser.AssumedRoleId ? { assumedRoleId: assumedRoleUser.AssumedRoleId } : {}),
  };
}

function errorFor(status: number, code: string, message: string, requestId: string): Error {
  const reason = `${DEPENDENCY} ${code || 'no code'} (HTTP ${status}, RequestId ${requestId}): ${message}`;
  if (THROTTLING_CODES.has(code) || SERVER_CODES.has(code)) return new TransientFailure(reason);
  if (BROKER_AUTH_CODES.has(code)) {
    return providerAuthFailed(reason);
  }
  if (DENIED_CODES.test(code)) return forbidden(reason);
  if (INVALID_PARAMETER_CODES.test(code)) {
    return providerRejectedRequest(reason);
  }
  if (status === 429 || status >= 500) return new TransientFailure(reason);
  return dependencyUnavailable(DEPENDENCY, `unrecognised error ${reason}`);
}

/** ISO 8601 with an offset (what the service sends) or Unix seconds (what its SDK types allow). */
function parseExpiredTime(value: string | number): Date | undefined {
  const seconds = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : undefined;
  if (seconds !== undefined) return Number.isFinite(seconds) ? new Date(seconds * 1000) : undefined;
  if (typeof value !== 'string' || !ISO_WITH_OFFSET.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
