import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Sha256 } from '@aws-crypto/sha256-js';
import { buildQueryString } from '@smithy/core/protocols';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { type SignedRequest, type SigningIdentity, verifySigV4 } from '../../../local/auth/sigv4-verifier.js';

type Query = Record<string, string | string[] | null>;

const caller: SigningIdentity = {
  principalArn: 'arn:aws:iam::111111111111:role/rotation-job',
  accessKeyId: 'AKIALOCALROTATION001',
  secretAccessKey: 'hvgNaP1Uf6aJiL4ffVHlGTObeEHZH3HVxUNNnh0e',
};
const session: SigningIdentity = {
  principalArn: 'arn:aws:sts::111111111111:assumed-role/reporting-service/w1',
  accessKeyId: 'ASIAEXAMPLESESSION01',
  secretAccessKey: 'c2Vzc2lvbi1zZWNyZXQtZm9yLXRlc3RzLW9ubHkx',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE/token+with=padding',
};
const keys = new Map([caller, session].map((identity) => [identity.accessKeyId, identity]));
const lookup = (accessKeyId: string) => keys.get(accessKeyId);
const signedAt = new Date('2024-05-01T12:00:00Z');

interface SignInput {
  method?: string;
  path?: string;
  query?: Query;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  identity?: SigningIdentity;
  service?: string;
  applyChecksum?: boolean;
}

/** Signs like any AWS SDK v3 client, then returns what a server would receive on the wire. */
async function signRequest(input: SignInput = {}): Promise<SignedRequest> {
  const identity = input.identity ?? caller;
  const signer = new SignatureV4({
    service: input.service ?? 'execute-api',
    region: 'us-east-1',
    credentials: identity,
    sha256: Sha256,
    applyChecksum: input.applyChecksum ?? true,
  });
  const body = input.body ?? '{"role":"reports-reader"}';
  const request = new HttpRequest({
    method: input.method ?? 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 3000,
    path: input.path ?? '/v1/credentials',
    query: input.query ?? {},
    headers: { host: '127.0.0.1:3000', 'content-type': 'application/json', ...input.headers },
    body,
  });
  const signed = await signer.sign(request, { signingDate: signedAt });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  return {
    method: signed.method,
    path: signed.path,
    query: buildQueryString(signed.query ?? {}),
    headers,
    body,
  };
}

const verify = (request: SignedRequest, overrides: { now?: Date; service?: string; region?: string } = {}) =>
  verifySigV4(request, {
    service: overrides.service ?? 'execute-api',
    lookup,
    now: overrides.now ?? signedAt,
    ...(overrides.region === undefined ? {} : { region: overrides.region }),
  });

function assertRefused(result: Awaited<ReturnType<typeof verifySigV4>>, code: string): void {
  assert.equal(result.ok, false, 'expected the request to be refused');
  if (!result.ok) assert.equal(result.code, code, result.reason);
}

describe('verifySigV4', () => {
  it('accepts an execute-api request signed by @smithy/signature-v4 and names the signer', async () => {
    // Prepare
    const request = await signRequest({ query: { page: '2', tag: ['b', 'a'] } });
    // Act
    const result = await verify(request, { region: 'us-east-1' });
    // Assess
    assert.equal(result.ok, true);
    if (result.ok) assert.equal(result.identity.principalArn, caller.principalArn);
  });

  it('accepts session credentials whose signed token matches', async () => {
    // Prepare
    const request = await signRequest({ identity: session });
    // Act
    const result = await verify(request);
    // Assess
    assert.equal(result.ok, true);
  });

  it('refuses a body swapped after signing even with the hash header removed', async () => {
    // Prepare
    const withHeader = { ...(await signRequest()), body: '{"role":"admin"}' };
    const unsignedHash = await signRequest({ applyChecksum: false });
    const withoutHeader = { ...unsignedHash, body: '{"role":"admin"}' };
    // Act
    const results = [await verify(withHeader), await verify(withoutHeader)];
    // Assess
    assertRefused(results[0] as Awaited<ReturnType<typeof verifySigV4>>, 'body_mismatch');
    assertRefused(results[1] as Awaited<ReturnType<typeof verifySigV4>>, 'signature_mismatch');
  });

  it('refuses a tampered path, query or signed header', async () => {
    // Prepare
    const request = await signRequest({ query: { page: '2' }, headers: { 'x-tenant': 'blue' } });
    const tampered = [
      { ...request, path: '/v1/audit' },
      { ...request, query: 'page=3' },
      { ...request, headers: { ...request.headers, 'x-tenant': 'red' } },
      { ...request, method: 'PUT' },
    ];
    // Act
    const results = await Promise.all(tampered.map((candidate) => verify(candidate)));
    // Assess
    for (const result of results) assertRefused(result, 'signature_mismatch');
  });

  it('refuses a request signed 6 minutes ago or 6 minutes ahead', async () => {
    // Prepare
    const request = await signRequest();
    const sixMinutes = 6 * 60 * 1000;
    // Act
    const late = await verify(request, { now: new Date(signedAt.getTime() + sixMinutes) });
    const early = await verify(request, { now: new Date(signedAt.getTime() - sixMinutes) });
    const withinWindow = await verify(request, { now: new Date(signedAt.getTime() + 4 * 60 * 1000) });
    // Assess
    assertRefused(late, 'expired');
    assertRefused(early, 'expired');
    assert.equal(withinWindow.ok, true);
  });

  it('refuses a scope for another service or region', async () => {
    // Prepare
    const stsRequest = await signRequest({ service: 'sts' });
    const apiRequest = await signRequest();
    // Act
    const wrongService = await verify(stsRequest);
    const wrongRegion = await verify(apiRequest, { region: 'eu-west-1' });
    // Assess
    assertRefused(wrongService, 'scope_mismatch');
    assertRefused(wrongRegion, 'scope_mismatch');
  });

  it('refuses an unknown access key and a missing or malformed Authorization', async () => {
    // Prepare
    const stranger = { ...caller, accessKeyId: 'AKIAUNKNOWN000000000' };
    const unknown = await signRequest({ identity: stranger });
    const signed = await signRequest();
    const { authorization: _dropped, ...unsignedHeaders } = signed.headers;
    const garbled = { ...signed.headers, authorization: 'AWS4-HMAC-SHA256 Credential=x, Signature=00' };
    // Act
    const results = {
      unknown: await verify(unknown),
      missing: await verify({ ...signed, headers: unsignedHeaders }),
      malformed: await verify({ ...signed, headers: garbled }),
    };
    // Assess
    assertRefused(results.unknown, 'unknown_key');
    assertRefused(results.missing, 'missing');
    assertRefused(results.malformed, 'malformed');
  });

  it('refuses a request whose SignedHeaders leave out host or x-amz-date', async () => {
    // Prepare
    const request = await signRequest();
    const authorization = (request.headers.authorization ?? '').replace('host;', '');
    // Act
    const result = await verify({ ...request, headers: { ...request.headers, authorization } });
    // Assess
    assertRefused(result, 'malformed');
  });

  it('refuses session credentials with a missing, changed or unexpected token', async () => {
    // Prepare
    const request = await signRequest({ identity: session });
    const { 'x-amz-security-token': _token, ...withoutToken } = request.headers;
    const changed = { ...request.headers, 'x-amz-security-token': 'IQoJforged' };
    const longTerm = await signRequest({ headers: { 'x-amz-security-token': 'IQoJstolen' } });
    // Act
    const results = [
      await verify({ ...request, headers: withoutToken }),
      await verify({ ...request, headers: changed }),
      await verify(longTerm),
    ];
    // Assess
    for (const result of results) assertRefused(result, 'token_mismatch');
  });
});

// Wire-legal path segments: percent-encoded text, raw sub-delimiters, and dot segments.
const segment = fc.oneof(
  fc.constantFrom('', '.', '..'),
  fc.string({ unit: 'grapheme', maxLength: 6 }).map(encodeURIComponent),
  fc.stringMatching(/^[A-Za-z0-9\-._~!$&'()*+,;=:@]{1,6}$/),
);
const path = fc
  .tuple(fc.array(segment, { maxLength: 5 }), fc.boolean())
  .map(([segments, trailing]) => `/${segments.join('/')}${trailing ? '/' : ''}`);
const queryKey = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 6 })
  .filter((key) => key.toLowerCase() !== 'x-amz-signature');
const queryValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.array(fc.string({ unit: 'grapheme', maxLength: 4 }), { minLength: 1, maxLength: 3 }),
);
const reserved = new Set(['authorization', 'host', 'date', 'x-amz-date', 'x-amz-content-sha256']);
const headerName = fc
  .stringMatching(/^x-[a-z0-9-]{1,10}$/)
  .filter((name) => !reserved.has(name) && name !== 'x-amz-security-token');
const headerValue = fc.stringMatching(/^[ \t]{0,2}[!-~]{0,6}([ \t]{1,3}[!-~]{1,6}){0,2}[ \t]{0,2}$/);
const signInput = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
  path,
  query: fc.dictionary(queryKey, queryValue, { maxKeys: 4 }),
  headers: fc.dictionary(headerName, headerValue, { maxKeys: 4 }),
  body: fc.oneof(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 })),
  identity: fc.constantFrom(caller, session),
  applyChecksum: fc.boolean(),
});

describe('verifySigV4 against @smithy/signature-v4 as an oracle', () => {
  it('verifies every request the SDK signer signs', async () => {
    // Prepare / Act / Assess: for random methods, paths, queries, headers and bodies
    await fc.assert(
      fc.asyncProperty(signInput, async (input) => {
        const result = await verify(await signRequest(input));
        assert.equal(result.ok, true, result.ok ? '' : `${result.code}: ${result.reason}`);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses the request when any single byte of the body changes', async () => {
    // Prepare / Act / Assess: flip one byte at a random position of a non-empty body
    const mutation = fc.record({
      input: signInput,
      body: fc.uint8Array({ minLength: 1, maxLength: 40 }),
      position: fc.nat(),
      delta: fc.integer({ min: 1, max: 255 }),
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ input, body, position, delta }) => {
        const request = await signRequest({ ...input, body });
        const changed = Uint8Array.from(body);
        const index = position % changed.length;
        changed[index] = ((changed[index] ?? 0) + delta) % 256;
        const result = await verify({ ...request, body: changed });
        assert.equal(result.ok, false);
        if (!result.ok) assert.ok(['body_mismatch', 'signature_mismatch'].includes(result.code));
      }),
      { numRuns: 200 },
    );
  });
});
