/**
 * Volcengine OpenAPI request signing (algorithm `HMAC-SHA256`), byte-compatible with the
 * vendor SDK @volcengine/openapi (its `Signer`, which the unit tests use as an oracle).
 * Written over node:crypto because the SDK is CommonJS and pulls an old HTTP client.
 *
 * Shape (SigV4-like): canonical request = method, path, canonical query, canonical headers,
 * signed header names, payload hash; string to sign = algorithm, X-Date, credential scope
 * `{yyyymmdd}/{region}/{service}/request`, hash of the canonical request; the key is an
 * HMAC chain over date, region, service and `request`, seeded with the bare secret key.
 */
import { createHash, createHmac } from 'node:crypto';

export const VOLCENGINE_SIGNING_ALGORITHM = 'HMAC-SHA256';

export interface VolcengineRequest {
  method: string;
  /** Defaults to `/`. Used as is: the STS API lives at the root. */
  pathname?: string;
  /** Decoded parameter values; the signer encodes them. */
  query: Readonly<Record<string, string>>;
  headers?: Readonly<Record<string, string>>;
  body?: string;
}

export interface VolcengineSigningKey {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SigningScope {
  region: string;
  service: string;
}

export interface SignedVolcengineRequest {
  /** The input headers plus X-Date, X-Content-Sha256 and Authorization. */
  headers: Record<string, string>;
  /** Canonical (sorted, strictly encoded) query string, to send exactly as signed. */
  queryString: string;
}

// The SDK never signs these: proxies and HTTP clients may rewrite them.
const UNSIGNABLE_HEADERS = new Set([
  'authorization',
  'content-type',
  'content-length',
  'user-agent',
  'presigned-expires',
  'expect',
]);

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

// Plain code-unit order, as Array.prototype.sort without a comparator (what the SDK does).
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** RFC 3986 strict: everything but `A-Z a-z 0-9 - _ . ~` is percent-encoded (so `*` → %2A, space → %20). */
export function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function canonicalQueryString(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .sort(byCodeUnits)
    .map((key) => `${uriEscape(key)}=${uriEscape(query[key] ?? '')}`)
    .join('&');
}

/** `YYYYMMDDTHHMMSSZ` in UTC, the X-Date format. */
export function formatXDate(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[:-]/g, '');
}

/** Inverse of formatXDate; undefined when the value is not exactly in that format. */
export function parseXDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  return Number.isNaN(date.getTime()) || formatXDate(date) !== value ? undefined : date;
}

export function credentialScope(xDate: string, scope: SigningScope): string {
  return `${xDate.slice(0, 8)}/${scope.region}/${scope.service}/request`;
}

function signableHeaders(headers: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(headers)
    .map(([name, value]): [string, string] => [name.toLowerCase(), value])
    .filter(([name]) => !UNSIGNABLE_HEADERS.has(name))
    .sort(([a], [b]) => byCodeUnits(a, b));
}

const canonicalHeaderValue = (value: string) => value.replace(/\s+/g, ' ').trim();

/**
 * The Authorization header value for a request whose headers already hold X-Date (and
 * X-Content-Sha256 when the payload hash is to be bound explicitly). Every signable header
 * present is signed. Exposed separately so the emulator can verify what a client sent.
 */
export function authorizationHeader(
  request: VolcengineRequest,
  key: VolcengineSigningKey,
  scope: SigningScope,
  xDate: string,
): string {
  const headers = signableHeaders(request.headers ?? {});
  const signedHeaderNames = headers.map(([name]) => name).join(';');
  const payloadHash =
    headers.find(([name]) => name === 'x-content-sha256')?.[1] ?? sha256Hex(request.body ?? '');
  const canonicalRequest = [
    request.method.toUpperCase(),
    request.pathname ?? '/',
    canonicalQueryString(request.query),
    `${headers.map(([name, value]) => `${name}:${canonicalHeaderValue(value)}`).join('\n')}\n`,
    signedHeaderNames,
    payloadHash,
  ].join('\n');
  const credential = credentialScope(xDate, scope);
  const stringToSign = [VOLCENGINE_SIGNING_ALGORITHM, xDate, credential, sha256Hex(canonicalRequest)].join(
    '\n',
  );
  const signingKey = hmac(
    hmac(hmac(hmac(key.secretAccessKey, xDate.slice(0, 8)), scope.region), scope.service),
    'request',
  );
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return `${VOLCENGINE_SIGNING_ALGORITHM} Credential=${key.accessKeyId}/${credential}, SignedHeaders=${signedHeaderNames}, Signature=${signature}`;
}

/**
 * Signs a request at `date`. Unlike the SDK (which adds X-Content-Sha256 only when there is a
 * body), the payload hash header is always added and signed, so even a GET binds its (empty)
 * payload, which the real service accepts.
 */
export function signVolcengineRequest(
  request: VolcengineRequest,
  key: VolcengineSigningKey,
  scope: SigningScope,
  date: Date,
): SignedVolcengineRequest {
  const xDate = formatXDate(date);
  // Drop caller-supplied copies of the headers the signer owns, whatever their case.
  const ownHeaders = new Set(['x-date', 'x-content-sha256', 'authorization']);
  const headers: Record<string, string> = {
    ...Object.fromEntries(
      Object.entries(request.headers ?? {}).filter(([name]) => !ownHeaders.has(name.toLowerCase())),
    ),
    'X-Date': xDate,
    'X-Content-Sha256': sha256Hex(request.body ?? ''),
  };
  headers.Authorization = authorizationHeader({ ...request, headers }, key, scope, xDate);
  return { headers, queryString: canonicalQueryString(request.query) };
}

export { sha256Hex as volcenginePayloadHash };
