import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// The vendor SDK is a devDependency used only here, as the oracle for our signer.
import { Signer } from '@volcengine/openapi';
import fc from 'fast-check';
import {
  authorizationHeader,
  canonicalQueryString,
  formatXDate,
  parseXDate,
  signVolcengineRequest,
  type VolcengineRequest,
} from '../../../lib/providers/volcengine-signer.js';

interface OracleInput {
  request: VolcengineRequest;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service: string;
  date: Date;
}

/** What @volcengine/openapi puts in the headers for the same request, key and time. */
function oracleHeaders(input: OracleInput, extraHeaders: Record<string, string> = {}) {
  const headers: Record<string, string> = { ...input.request.headers, ...extraHeaders };
  const requestObj = {
    region: input.region,
    method: input.request.method,
    pathname: input.request.pathname,
    params: { ...input.request.query },
    headers,
    body: input.request.body,
  };
  new Signer(requestObj, input.service).addAuthorization(
    { accessKeyId: input.accessKeyId, secretKey: input.secretAccessKey },
    input.date,
  );
  return headers;
}

// Values the canonical query must encode strictly: spaces, `*`, `~`, reserved and non-ASCII.
const trickyChar = fc.constantFrom(
  ' ',
  '*',
  '~',
  '%',
  '+',
  '=',
  '&',
  '/',
  '!',
  "'",
  '(',
  ')',
  'é',
  '中',
  '😀',
);
const queryValue = fc.oneof(
  fc.string({ unit: fc.oneof(trickyChar, fc.string({ minLength: 1, maxLength: 1 })) }),
  fc.string({ unit: 'binary' }),
);
// A leading letter keeps keys non-numeric: JS objects reorder integer-like keys, an SDK quirk
// the real service does not share.
const queryKey = fc
  .string({ unit: fc.oneof(trickyChar, fc.string({ minLength: 1, maxLength: 1 })), maxLength: 12 })
  .map((rest) => `k${rest}`);
const reservedHeaders = new Set(['x-date', 'x-content-sha256', 'authorization', 'x-security-token']);
const headerName = fc.oneof(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/),
  fc.constantFrom('Content-Type', 'User-Agent', 'Host', 'Accept'),
);
const headerValue = fc.string({ unit: fc.constantFrom('a', 'B', '1', ' ', '\t', '/', ';', '=') });
const headers = fc
  .uniqueArray(fc.tuple(headerName, headerValue), { selector: ([name]) => name.toLowerCase(), maxLength: 5 })
  .map((entries) => Object.fromEntries(entries.filter(([name]) => !reservedHeaders.has(name.toLowerCase()))));

const oracleInput: fc.Arbitrary<OracleInput> = fc.record({
  request: fc.record({
    method: fc.constantFrom('GET', 'get', 'POST', 'PUT', 'DELETE'),
    pathname: fc.constantFrom('/', '/v1/objects'),
    query: fc.dictionary(queryKey, queryValue, { maxKeys: 6 }).map((extra) => ({
      ...extra,
      Action: 'AssumeRole',
      Version: '2018-01-01',
    })),
    headers,
    body: fc.option(fc.string({ unit: 'binary', minLength: 1 }), { nil: undefined }),
  }),
  accessKeyId: fc.stringMatching(/^AKLT[A-Za-z0-9]{8,24}$/),
  secretAccessKey: fc.string({ minLength: 1, maxLength: 40 }),
  region: fc.constantFrom('cn-north-1', 'cn-beijing', 'ap-southeast-1'),
  service: fc.constantFrom('sts', 'iam'),
  date: fc.date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2099-12-31T23:59:59Z'),
    noInvalidDate: true,
  }),
});

const sign = (input: OracleInput) =>
  signVolcengineRequest(
    input.request,
    { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey },
    { region: input.region, service: input.service },
    input.date,
  );

describe('volcengine signer against the @volcengine/openapi oracle', () => {
  it('produces the same Authorization and X-Date as the SDK for random requests', () => {
    fc.assert(
      fc.property(oracleInput, (input) => {
        // Prepare: the SDK adds X-Content-Sha256 only for a non-empty body, we always do;
        // for a bodyless request hand it the same header so both sign the same header set.
        const ours = sign(input);
        const bodyless = !input.request.body;
        // Act
        const theirs = oracleHeaders(
          input,
          bodyless ? { 'X-Content-Sha256': ours.headers['X-Content-Sha256'] ?? '' } : {},
        );
        // Assess
        assert.equal(ours.headers.Authorization, theirs.Authorization);
        assert.equal(ours.headers['X-Date'], theirs['X-Date']);
        assert.equal(ours.headers['X-Content-Sha256'], theirs['X-Content-Sha256']);
      }),
      { numRuns: 300 },
    );
  });

  it('verifies headers exactly as the SDK signed them (what the emulator relies on)', () => {
    fc.assert(
      fc.property(oracleInput, (input) => {
        // Prepare
        const theirs = oracleHeaders(input);
        const xDate = theirs['X-Date'] ?? '';
        const { Authorization: _sent, ...signedHeaders } = theirs;
        // Act
        const recomputed = authorizationHeader(
          { ...input.request, headers: signedHeaders },
          { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey },
          { region: input.region, service: input.service },
          xDate,
        );
        // Assess
        assert.equal(recomputed, theirs.Authorization);
      }),
      { numRuns: 200 },
    );
  });

  it('encodes spaces, `*`, unicode and reserved characters strictly and keeps `~`', () => {
    // Prepare
    const query = { Policy: 'a b*~中/+', Action: 'AssumeRole', 'Role Name': "(x)!'" };
    // Act
    const encoded = canonicalQueryString(query);
    // Assess
    assert.equal(encoded, 'Action=AssumeRole&Policy=a%20b%2A~%E4%B8%AD%2F%2B&Role%20Name=%28x%29%21%27');
  });

  it('round-trips the canonical query through URLSearchParams without loss', () => {
    fc.assert(
      fc.property(fc.dictionary(queryKey, queryValue, { maxKeys: 8 }), (query) => {
        // Act
        const decoded = Object.fromEntries(new URLSearchParams(canonicalQueryString(query)));
        // Assess
        assert.deepEqual(decoded, { ...query });
      }),
    );
  });

  it('changes the signature when the secret, the time or a parameter changes', () => {
    // Prepare
    const base: OracleInput = {
      request: { method: 'GET', query: { Action: 'AssumeRole', DurationSeconds: '900' } },
      accessKeyId: 'AKLTEXAMPLE',
      secretAccessKey: 'secret-one',
      region: 'cn-north-1',
      service: 'sts',
      date: new Date('2026-01-02T03:04:05Z'),
    };
    // Act
    const original = sign(base).headers.Authorization;
    const otherSecret = sign({ ...base, secretAccessKey: 'secret-two' }).headers.Authorization;
    const otherTime = sign({ ...base, date: new Date('2026-01-02T03:04:06Z') }).headers.Authorization;
    const otherQuery = sign({
      ...base,
      request: { ...base.request, query: { ...base.request.query, DurationSeconds: '901' } },
    }).headers.Authorization;
    // Assess
    assert.equal(new Set([original, otherSecret, otherTime, otherQuery]).size, 4);
    assert.match(original ?? '', /^HMAC-SHA256 Credential=AKLTEXAMPLE\/20260102\/cn-north-1\/sts\/request, /);
    assert.match(original ?? '', /SignedHeaders=x-content-sha256;x-date, Signature=[0-9a-f]{64}$/);
  });

  it('formats and parses X-Date and refuses anything else', () => {
    // Prepare
    const date = new Date('2026-11-25T02:00:09.123Z');
    // Act
    const xDate = formatXDate(date);
    // Assess
    assert.equal(xDate, '20261125T020009Z');
    assert.equal(parseXDate(xDate)?.toISOString(), '2026-11-25T02:00:09.000Z');
    assert.equal(parseXDate('20261325T020009Z'), undefined);
    assert.equal(parseXDate('2026-11-25T02:00:09Z'), undefined);
  });
});
