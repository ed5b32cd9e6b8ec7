/**
 * Input limits of POST /v1/credentials through the real chain (invariants 1, 14): the
 * size limit counts bytes and runs before any parsing, hostile shapes are 400 (never a
 * 500 or a stack overflow), look-alike ARNs are refused, and spoofed headers change
 * neither the caller nor the recorded source address.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { makeHandler } from '../../functions/issue-credentials/compose.js';
import { makeAllowList } from '../../lib/grants/allow-list.js';
import {
  FakeAuditStore,
  FakeIssuer,
  ignoreAuditGap,
  noMetrics,
  noRateLimit,
  TEST_RATE_LIMITS,
} from '../support/fakes.js';
import { REPORTS_ROLE, ROTATION_JOB, sampleGrantsFile } from '../support/grants.js';
import { buildContext, buildEvent, type EventOptions } from '../support/lambda.js';
import { silentLogger } from '../support/logs.js';

const LIMIT = 65_536;

function setup() {
  const audit = new FakeAuditStore();
  const aws = new FakeIssuer('aws');
  const handler = makeHandler(
    {
      allowList: makeAllowList(sampleGrantsFile()),
      audit,
      issuers: { aws, volcengine: new FakeIssuer('volcengine') },
      newIssuanceId: () => '01JGZ8Q6Y3K4M5N6P7Q8R9S0TV',
      clock: () => new Date('2025-01-01T00:00:00.000Z'),
      roleChaining: true,
      rateLimiter: noRateLimit,
      rateLimits: TEST_RATE_LIMITS,
      metrics: noMetrics,
      onAuditGap: ignoreAuditGap,
    },
    { logger: silentLogger(), maxBodyBytes: LIMIT },
  );
  const send = (options: EventOptions) => handler(buildEvent(options), buildContext());
  return { send, audit, aws };
}

function assertProblem(response: APIGatewayProxyStructuredResultV2, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.equal(response.headers?.['Content-Type'], 'application/problem+json');
  assert.equal(response.headers?.['Cache-Control'], 'no-store');
  assert.equal((JSON.parse(response.body ?? '{}') as { code: string }).code, code);
}

/** `{"grant":"reports-reader"}` padded with JSON whitespace to exactly `bytes` bytes. */
const paddedBody = (bytes: number) => {
  const json = '{"grant":"reports-reader"}';
  return json.slice(0, -1) + ' '.repeat(bytes - json.length) + json.slice(-1);
};

describe('input limits: body size (invariant 14)', () => {
  it('accepts a body of exactly 64 KB and refuses one byte more with 413', async () => {
    // Prepare
    const { send } = setup();
    // Act
    const atLimit = await send({ rawBody: paddedBody(LIMIT) });
    const overLimit = await send({ rawBody: paddedBody(LIMIT + 1) });
    // Assess
    assert.equal(atLimit.statusCode, 201, atLimit.body);
    assertProblem(overLimit, 413, 'payload_too_large');
  });

  it('answers 413, not 400, to an oversized body that is not even JSON: size comes before parsing', async () => {
    // Prepare
    const { send, audit, aws } = setup();
    // Act
    const garbage = await send({ rawBody: '{'.repeat(LIMIT + 1) });
    const nested = await send({ rawBody: '['.repeat(200_000) });
    // Assess
    assertProblem(garbage, 413, 'payload_too_large');
    assertProblem(nested, 413, 'payload_too_large');
    assert.equal(audit.records.length, 0);
    assert.equal(aws.calls.length, 0);
  });

  it('counts bytes, not characters, and the decoded size of a base64 body', async () => {
    // Prepare: 21,846 three-byte characters are 65,538 bytes in 21,846 characters
    const { send } = setup();
    const multibyte = JSON.stringify({ grant: 'reports-reader', policy: { Sid: '€'.repeat(21_846) } });
    // Act
    const wide = await send({ rawBody: multibyte });
    const base64 = await send({
      rawBody: Buffer.from(paddedBody(LIMIT + 10)).toString('base64'),
      isBase64Encoded: true,
    });
    // Assess
    assertProblem(wide, 413, 'payload_too_large');
    assertProblem(base64, 413, 'payload_too_large');
  });
});

describe('input limits: hostile shapes under the size limit', () => {
  const shapes: [string, string][] = [
    [
      'nesting 10,000 deep',
      `{"grant":"reports-reader","policy":{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`,
    ],
    [
      'nesting 40 objects deep',
      `{"grant":"reports-reader","policy":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`,
    ],
    [
      'an array of 20,000 statements',
      JSON.stringify({ grant: 'reports-reader', policy: { Statement: Array(20_000).fill(0) } }),
    ],
    ['a body that is a huge array', JSON.stringify(Array(30_000).fill(1))],
    [
      '5,000 keys',
      JSON.stringify({
        grant: 'reports-reader',
        policy: Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i])),
      }),
    ],
  ];
  for (const [label, rawBody] of shapes) {
    it(`refuses ${label} with 400 and mints nothing`, async () => {
      // Prepare
      const { send, audit, aws } = setup();
      assert.ok(Buffer.byteLength(rawBody) <= LIMIT, 'the case must fit under the size limit');
      // Act
      const response = await send({ rawBody });
      // Assess
      assert.equal(response.statusCode, 400, response.body);
      assert.equal(response.headers?.['Content-Type'], 'application/problem+json');
      assert.equal(aws.calls.length, 0);
      assert.deepEqual(
        audit.decisions().filter((d) => d !== 'DENIED'),
        [],
      );
    });
  }
});

describe('input limits: look-alike role ARNs', () => {
  const lookAlikes: [string, string][] = [
    ['a Cyrillic а', REPORTS_ROLE.replace('read', 'reаd')],
    ['a zero-width space', REPORTS_ROLE.replace('reports', 'rep\u200borts')],
    ['fullwidth digits', REPORTS_ROLE.replace('222222222222', '２２２２２２２２２２２２')],
    ['a fullwidth colon', REPORTS_ROLE.replace('arn:', 'arn：')],
    ['a right-to-left override', REPORTS_ROLE.replace('role/', 'role/\u202e')],
    ['a non-breaking space', `${REPORTS_ROLE}\u00a0`],
    ['a combining accent', REPORTS_ROLE.replace('read', 're\u0301ad')],
    ['a dotless ı', REPORTS_ROLE.replace('iam', 'ıam')],
  ];
  for (const [label, roleArn] of lookAlikes) {
    it(`refuses a role ARN with ${label} (400 on roleArn, no STS call)`, async () => {
      // Prepare
      const { send, aws } = setup();
      // Act
      const response = await send({ body: { roleArn } });
      // Assess
      assertProblem(response, 400, 'invalid_request');
      const problem = JSON.parse(response.body ?? '{}') as { errors?: { path: string }[] };
      assert.deepEqual(
        problem.errors?.map((e) => e.path),
        ['roleArn'],
      );
      assert.equal(aws.calls.length, 0);
    });
  }
});

describe('input limits: spoofed headers (invariant 1)', () => {
  it('records the caller from the authorizer and the source IP from requestContext, whatever the headers say', async () => {
    // Prepare
    const { send, audit } = setup();
    // Act
    const response = await send({
      body: { grant: 'reports-reader' },
      headers: {
        'x-forwarded-for': '203.0.113.9, 10.0.0.1',
        'x-real-ip': '203.0.113.9',
        forwarded: 'for=203.0.113.9',
        'x-caller': ROTATION_JOB,
        'x-amzn-oidc-identity': 'rotation-job',
        'x-amzn-requestcontext': JSON.stringify({ authorizer: { iam: { userArn: ROTATION_JOB } } }),
        'user-agent': 'spoofed-agent/1.0',
      },
    });
    // Assess
    assert.equal(response.statusCode, 201);
    const intent = audit.only('INTENT');
    assert.equal(intent.callerKey, 'aws:111111111111:role/reporting-service');
    assert.equal(intent.sourceIp, '198.51.100.7');
    assert.equal(intent.userAgent, 'test-client/1.0');
    assert.ok(!JSON.stringify(audit.records).includes('203.0.113.9'));
  });
});
