/**
 * Signature check of the Volcengine STS emulator. It recomputes the Authorization header
 * with our signer from what the client actually sent (its X-Date, the headers it listed as
 * signed, the query as received, the body) and compares in constant time, so a client
 * signing with the wrong secret, or a request altered in transit, is refused as the real
 * service would refuse it.
 */

import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  authorizationHeader,
  parseXDate,
  volcenginePayloadHash,
} from '../../lib/providers/volcengine-signer.js';

export interface EmulatorIdentity {
  principalArn: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ReceivedRequest {
  method: string;
  pathname: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Verification =
  | { ok: true; identity: EmulatorIdentity; region: string }
  | { ok: false; status: number; code: string; message: string; accessKeyId?: string };

// The real service tolerates some clock skew; 15 minutes is the customary window.
const MAX_SKEW_MS = 15 * 60 * 1000;

const AUTHORIZATION =
  /^HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

const refuse = (code: string, message: string, accessKeyId?: string, status = 401): Verification => ({
  ok: false,
  status,
  code,
  message,
  accessKeyId,
});

const headerValue = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // Compare against itself on a length mismatch so the timing does not depend on it either.
  return timingSafeEqual(left, left.length === right.length ? right : left) && left.length === right.length;
}

export function verifySignature(
  request: ReceivedRequest,
  identities: readonly EmulatorIdentity[],
  now: Date,
): Verification {
  const authorization = headerValue(request.headers, 'authorization') ?? '';
  const match = AUTHORIZATION.exec(authorization);
  if (!match) return refuse('InvalidAuthorization', 'The Authorization header is missing or malformed.');
  const [, accessKeyId = '', scopeDate, region = '', service, signedHeaderList = ''] = match;
  const identity = identities.find((candidate) => candidate.accessKeyId === accessKeyId);
  if (!identity) return refuse('InvalidAccessKey', 'The access key id does not exist.', accessKeyId);
  if (service !== 'sts')
    return refuse('InvalidAuthorization', 'The credential scope is not for sts.', accessKeyId);

  const signedNames = signedHeaderList.split(';');
  const xDate = headerValue(request.headers, 'x-date') ?? '';
  const signedAt = parseXDate(xDate);
  if (!signedAt || !signedNames.includes('x-date') || xDate.slice(0, 8) !== scopeDate) {
    return refuse(
      'InvalidAuthorization',
      'X-Date is missing, unsigned or outside the credential scope.',
      accessKeyId,
    );
  }
  if (Math.abs(now.getTime() - signedAt.getTime()) > MAX_SKEW_MS) {
    return refuse('InvalidTimestamp', 'X-Date is too far from the server time.', accessKeyId);
  }
  const contentHash = headerValue(request.headers, 'x-content-sha256');
  if (contentHash !== undefined && contentHash !== volcenginePayloadHash(request.body)) {
    return refuse('SignatureDoesNotMatch', 'X-Content-Sha256 does not match the body.', accessKeyId);
  }

  const signedHeaders: Record<string, string> = {};
  for (const name of signedNames) {
    const value = headerValue(request.headers, name);
    if (value === undefined)
      return refuse('SignatureDoesNotMatch', `Signed header ${name} is absent.`, accessKeyId);
    signedHeaders[name] = value;
  }
  const expected = authorizationHeader(
    {
      method: request.method,
      pathname: request.pathname,
      query: request.query,
      headers: signedHeaders,
      body: request.body,
    },
    identity,
    { region, service },
    xDate,
  );
  if (!constantTimeEquals(expected, authorization)) {
    return refuse('SignatureDoesNotMatch', 'The request signature does not match.', accessKeyId);
  }
  return { ok: true, identity, region };
}
