/**
 * SigV4 (AWS4-HMAC-SHA256, Authorization header form) request verifier.
 *
 * Used by the local AWS STS emulator (service `sts`) and by the broker's local-stage
 * authentication (service `execute-api`), where it stands in for API Gateway's IAM auth.
 * The canonical request is rebuilt here with node:crypto and mirrors @smithy/signature-v4
 * (the signer of every AWS SDK v3 client); test/unit/local/sigv4-verifier.test.ts checks it
 * against that library as an oracle.
 *
 * Unlike a signer, the verifier never trusts the client's claim about the payload: the
 * canonical request always carries the hash of the body actually received, so a body
 * swapped after signing fails (API Gateway IAM auth rejects it too).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedRequest {
  method: string;
  /** Raw path as received on the wire (still percent-encoded), without the query. */
  path: string;
  /** Raw query string without the leading '?'. */
  query: string;
  /** Lower-case header names; repeated headers joined with ', '. */
  headers: Record<string, string | undefined>;
  /** Bytes received. A string is hashed as UTF-8 (what the SDK signer does too). */
  body: string | Uint8Array;
}

export interface SigningIdentity {
  principalArn: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type VerifyFailureCode =
  | 'missing'
  | 'malformed'
  | 'unknown_key'
  | 'expired'
  | 'signature_mismatch'
  | 'body_mismatch'
  | 'token_mismatch'
  | 'scope_mismatch';

export type VerifyResult =
  | { ok: true; identity: SigningIdentity }
  | { ok: false; reason: string /* internal, for logs: never holds a secret */; code: VerifyFailureCode };

export interface VerifyOptions {
  service: string;
  /** When set, the credential scope's region must equal it. */
  region?: string;
  lookup: (accessKeyId: string) => SigningIdentity | undefined;
  now: Date;
  /** Allowed distance between x-amz-date and now; AWS allows 5 minutes either way. */
  maxSkewMs?: number;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;

interface ParsedAuthorization {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const fail = (code: VerifyFailureCode, reason: string): VerifyResult => ({ ok: false, code, reason });

export async function verifySigV4(request: SignedRequest, options: VerifyOptions): Promise<VerifyResult> {
  const authorization = request.headers.authorization;
  if (authorization === undefined || authorization === '') return fail('missing', 'no Authorization header');
  const auth = parseAuthorization(authorization);
  if (typeof auth === 'string') return fail('malformed', auth);

  for (const required of ['host', 'x-amz-date']) {
    if (!auth.signedHeaders.includes(required))
      return fail('malformed', `${required} is not a signed header`);
  }
  const amzDate = request.headers['x-amz-date'] ?? '';
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) return fail('malformed', 'x-amz-date is not YYYYMMDDTHHMMSSZ');
  const skew = Math.abs(options.now.getTime() - signedAt.getTime());
  if (skew > (options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS)) {
    return fail('expired', `x-amz-date ${amzDate} is outside the allowed window`);
  }
  if (auth.scopeDate !== amzDate.slice(0, 8))
    return fail('scope_mismatch', 'scope date differs from x-amz-date');
  if (auth.service !== options.service) return fail('scope_mismatch', `scope service is ${auth.service}`);
  if (options.region !== undefined && auth.region !== options.region) {
    return fail('scope_mismatch', `scope region is ${auth.region}`);
  }

  const identity = options.lookup(auth.accessKeyId);
  if (identity === undefined) return fail('unknown_key', `unknown access key ${auth.accessKeyId}`);

  const bodyHash = sha256Hex(request.body);
  const claimedHash = request.headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== bodyHash) {
    return fail('body_mismatch', 'x-amz-content-sha256 differs from the hash of the body');
  }
  const tokenProblem = checkSessionToken(request, auth, identity);
  if (tokenProblem !== undefined) return fail('token_mismatch', tokenProblem);
  for (const name of auth.signedHeaders) {
    if (request.headers[name] === undefined) return fail('malformed', `signed header ${name} is absent`);
  }

  let canonical: string;
  try {
    canonical = canonicalRequest(request, auth.signedHeaders, bodyHash);
  } catch {
    // encodeURIComponent/decodeURIComponent throw on malformed escapes and lone surrogates.
    return fail('malformed', 'path or query cannot be canonicalized');
  }
  const scope = `${auth.scopeDate}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
  const key = signingKey(identity.secretAccessKey, auth.scopeDate, auth.region, auth.service);
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature))) {
    return fail('signature_mismatch', 'signature does not match');
  }
  return { ok: true, identity };
}

function checkSessionToken(
  request: SignedRequest,
  auth: ParsedAuthorization,
  identity: SigningIdentity,
): string | undefined {
  const presented = request.headers['x-amz-security-token'];
  if (identity.sessionToken === undefined) {
    // A long-term key never comes with a token; a token here was issued to someone else.
    return presented === undefined ? undefined : 'a session token was sent with a long-term key';
  }
  if (presented === undefined) return 'session credentials without x-amz-security-token';
  if (!auth.signedHeaders.includes('x-amz-security-token')) return 'x-amz-security-token is not signed';
  // Compare digests so that neither the content nor the length leaks through timing.
  const same = timingSafeEqual(sha256(presented), sha256(identity.sessionToken));
  return same ? undefined : 'x-amz-security-token differs from the session token';
}

/** Parses `AWS4-HMAC-SHA256 Credential=AK/date/region/service/aws4_request, SignedHeaders=a;b, Signature=hex`. */
function parseAuthorization(header: string): ParsedAuthorization | string {
  if (!header.startsWith(`${ALGORITHM} `)) return 'unsupported algorithm';
  const fields = new Map<string, string>();
  for (const part of header.slice(ALGORITHM.length + 1).split(',')) {
    const item = part.trim();
    const eq = item.indexOf('=');
    if (eq <= 0) return 'Authorization field without name=value';
    const name = item.slice(0, eq);
    if (fields.has(name)) return `duplicate Authorization field ${name}`;
    fields.set(name, item.slice(eq + 1));
  }
  const credential = fields.get('Credential');
  const signedHeaderList = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (
    credential === undefined ||
    signedHeaderList === undefined ||
    signature === undefined ||
    fields.size !== 3
  ) {
    return 'Authorization needs exactly Credential, SignedHeaders and Signature';
  }
  const [accessKeyId, scopeDate, region, service, terminator, ...rest] = credential.split('/');
  if (accessKeyId === undefined || scopeDate === undefined || region === undefined || service === undefined) {
    return 'Credential has too few parts';
  }
  if (terminator !== 'aws4_request' || rest.length > 0)
    return 'Credential scope does not end in aws4_request';
  if (accessKeyId === '' || region === '' || service === '' || !/^\d{8}$/.test(scopeDate)) {
    return 'Credential scope is malformed';
  }
  if (!/^[0-9a-f]{64}$/.test(signature)) return 'Signature is not 64 lower-case hex digits';
  const signedHeaders = signedHeaderList.split(';');
  for (let i = 0; i < signedHeaders.length; i++) {
    const name = signedHeaders[i] ?? '';
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) return 'SignedHeaders holds an invalid name';
    // SigV4 lists signed headers sorted and unique; anything else was not made by a signer.
    if (i > 0 && (signedHeaders[i - 1] ?? '') >= name) return 'SignedHeaders is not sorted and unique';
  }
  return { accessKeyId, scopeDate, region, service, signedHeaders, signature };
}

function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as number[];
  const date = new Date(Date.UTC(year ?? 0, (month ?? 0) - 1, day, hour, minute, second));
  // Date.UTC rolls 20240230 over to March; a real signer never produces such a date.
  const roundTrip = date.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `${roundTrip}Z` === value ? date : undefined;
}

/** The canonical request exactly as @smithy/signature-v4 builds it, with the real body hash. */
export function canonicalRequest(
  request: SignedRequest,
  signedHeaders: string[],
  payloadHash: string,
): string {
  const headerLines = signedHeaders.map(
    (name) => `${name}:${canonicalHeaderValue(request.headers[name] ?? '')}`,
  );
  return [
    request.method,
    canonicalPath(request.path),
    canonicalQuery(request.query),
    headerLines.join('\n'),
    '',
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

/**
 * Every service but S3 normalizes the path (drops empty and '.' segments, resolves '..')
 * and URI-encodes the already-encoded wire path once more ("double encoding").
 */
export function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const leading = rawPath.startsWith('/') ? '/' : '';
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return uriEscape(`${leading}${segments.join('/')}${trailing}`).replaceAll('%2F', '/');
}

/** Decodes the wire query and re-encodes it: pairs sorted by encoded key, then by value. */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const byKey = new Map<string, string[]>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
    // Presigned-URL signatures are not part of what they sign.
    if (key.toLowerCase() === 'x-amz-signature') continue;
    const encodedKey = uriEscape(key);
    const pairs = byKey.get(encodedKey) ?? [];
    pairs.push(`${encodedKey}=${uriEscape(value)}`);
    byKey.set(encodedKey, pairs);
  }
  return [...byKey.keys()]
    .sort()
    .map((key) => (byKey.get(key) ?? []).sort().join('&'))
    .join('&');
}

function canonicalHeaderValue(value: string): string {
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

/** RFC 3986 unreserved characters stay, everything else is percent-encoded (as the SDK does). */
function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date, 'utf8').digest();
  const kRegion = createHmac('sha256', kDate).update(region, 'utf8').digest();
  const kService = createHmac('sha256', kRegion).update(service, 'utf8').digest();
  return createHmac('sha256', kService).update('aws4_request', 'utf8').digest();
}

function sha256(data: string | Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

function sha256Hex(data: string | Uint8Array): string {
  return sha256(data).toString('hex');
}
