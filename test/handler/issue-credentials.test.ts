import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { makeHandler } from '../../functions/issue-credentials/compose.js';
import { makeAllowList } from '../../lib/grants/allow-list.js';
import type { BrokerLogger } from '../../lib/observability/logger.js';
import {
  ACCESS_KEY_ID,
  FakeAuditStore,
  FakeIssuer,
  noMetrics,
  noRateLimit,
  SECRET_ACCESS_KEY,
  SESSION_TOKEN,
  TEST_RATE_LIMITS,
  type Timeline,
} from '../support/fakes.js';
import { REPORTS_ROLE, STRANGER, sampleGrantsFile } from '../support/grants.js';
import { buildContext, buildEvent, iamAuthorizer } from '../support/lambda.js';
import { capturingLogger, silentLogger } from '../support/logs.js';

const ISSUANCE_ID = '01JGZ8Q6Y3K4M5N6P7Q8R9S0TV';

function setup(logger: BrokerLogger = silentLogger()) {
  const timeline: Timeline = [];
  const audit = new FakeAuditStore(timeline);
  const aws = new FakeIssuer('aws', timeline);
  const volcengine = new FakeIssuer('volcengine', timeline);
  const handler = makeHandler(
    {
      allowList: makeAllowList(sampleGrantsFile()),
      audit,
      issuers: { aws, volcengine },
      newIssuanceId: () => ISSUANCE_ID,
      clock: () => new Date('2025-01-01T00:00:00.000Z'),
      roleChaining: true,
      rateLimiter: noRateLimit,
      rateLimits: TEST_RATE_LIMITS,
      metrics: noMetrics,
      onAuditGap: (issuanceId, error) =>
        logger.error('FAILED record not written', {
          issuanceId,
          error: error instanceof Error ? error.name : 'unknown',
        }),
    },
    { logger, maxBodyBytes: 65_536 },
  );
  const post = (body: unknown, options: Parameters<typeof buildEvent>[0] = {}) =>
    handler(buildEvent({ body, ...options }), buildContext());
  const postRaw = (rawBody: string) => handler(buildEvent({ rawBody }), buildContext());
  return { post, postRaw, audit, aws, volcengine, timeline };
}

const bodyOf = (response: APIGatewayProxyStructuredResultV2) =>
  JSON.parse(response.body ?? 'null') as Record<string, unknown>;

const assertRefused = (response: APIGatewayProxyStructuredResultV2, status: number) => {
  assert.equal(response.statusCode, status, response.body);
  assert.equal(response.headers?.['Content-Type'], 'application/problem+json');
  assert.equal(response.headers?.['Cache-Control'], 'no-store');
  assert.ok(!(response.body ?? '').includes(SECRET_ACCESS_KEY));
  assert.ok(!(response.body ?? '').includes(SESSION_TOKEN));
};

describe('POST /v1/credentials: issuance', () => {
  it('answers 201 with the credentials and Cache-Control: no-store', async () => {
    // Prepare
    const { post, timeline } = setup();
    // Act
    const response = await post({ grant: 'reports-reader', durationSeconds: 1800 });
    // Assess
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers?.['Cache-Control'], 'no-store');
    const body = bodyOf(response);
    assert.deepEqual(body.credentials, {
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET_ACCESS_KEY,
      sessionToken: SESSION_TOKEN,
      expiration: '2025-01-01T01:00:00.000Z',
    });
    assert.equal(body.durationSeconds, 1800);
    assert.deepEqual(timeline, ['audit:INTENT', 'sts:aws', 'audit:ISSUED']);
  });

  it('answers a dry run with 200, no credentials and no STS call', async () => {
    // Prepare
    const { post, aws } = setup();
    // Act
    const response = await post({ roleArn: REPORTS_ROLE, dryRun: true });
    // Assess
    assert.equal(response.statusCode, 200);
    assert.equal(bodyOf(response).credentials, undefined);
    assert.equal(bodyOf(response).dryRun, true);
    assert.equal(aws.calls.length, 0);
  });

  it('answers 503 with Retry-After and makes no STS call when INTENT cannot be written', async () => {
    // Prepare
    const { post, audit, aws } = setup();
    audit.failOnAppend(1);
    // Act
    const response = await post({ grant: 'reports-reader' });
    // Assess
    assertRefused(response, 503);
    assert.equal(response.headers?.['Retry-After'], '5');
    assert.equal(aws.calls.length, 0);
  });

  it('withholds minted credentials (503) when ISSUED cannot be written', async () => {
    // Prepare
    const { post, audit, aws } = setup();
    audit.failOnDecision('ISSUED');
    // Act
    const response = await post({ grant: 'reports-reader' });
    // Assess
    assertRefused(response, 503);
    assert.equal(aws.calls.length, 1);
    assert.ok(!(response.body ?? '').includes(ACCESS_KEY_ID));
  });
});

describe('POST /v1/credentials: who may call (invariants 1, 2, 4)', () => {
  it('answers a generic 403 to a caller no grant names, and records DENIED', async () => {
    // Prepare
    const { post, audit, aws } = setup();
    // Act
    const response = await post({ roleArn: REPORTS_ROLE }, { authorizer: iamAuthorizer(STRANGER) });
    // Assess
    assertRefused(response, 403);
    assert.doesNotMatch(response.body ?? '', /222222222222|reports-read/);
    assert.deepEqual(audit.decisions(), ['DENIED']);
    assert.equal(aws.calls.length, 0);
  });

  it('does not let headers turn a stranger into a granted caller', async () => {
    // Prepare
    const { post, aws } = setup();
    // Act
    const response = await post(
      { grant: 'reports-reader' },
      {
        authorizer: iamAuthorizer(STRANGER),
        headers: {
          'x-caller': 'arn:aws:iam::111111111111:role/reporting-service',
          'x-forwarded-for': '10.0.0.1',
          'x-amzn-iam-arn': 'arn:aws:iam::111111111111:role/reporting-service',
        },
      },
    );
    // Assess
    assertRefused(response, 403);
    assert.equal(aws.calls.length, 0);
  });

  it('does not let a session named after a granted role borrow its grant', async () => {
    // Prepare
    const { post } = setup();
    const impostor = 'arn:aws:sts::111111111111:assumed-role/stranger/reporting-service';
    // Act
    const response = await post({ grant: 'reports-reader' }, { authorizer: iamAuthorizer(impostor) });
    // Assess
    assertRefused(response, 403);
  });

  it('answers 401 without an authorizer, even with a caller in the headers', async () => {
    // Prepare
    const { post, audit } = setup();
    // Act
    const response = await post(
      { grant: 'reports-reader' },
      { authorizer: null, headers: { 'x-caller': 'arn:aws:iam::111111111111:role/reporting-service' } },
    );
    // Assess
    assertRefused(response, 401);
    assert.deepEqual(audit.decisions(), []);
  });
});

describe('POST /v1/credentials: strict body (invariants 5, 6, 14)', () => {
  for (const [field, value] of [
    ['externalId', 'attacker-chosen'],
    ['roleSessionName', 'admin'],
    ['sourceIdentity', 'admin'],
    ['tags', [{ Key: 'team', Value: 'admin' }]],
    ['Tags', [{ Key: 'team', Value: 'admin' }]],
    ['sessionTags', { team: 'admin' }],
    ['transitiveTagKeys', ['team']],
    ['policyArns', [{ arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }]],
    ['caller', 'arn:aws:iam::111111111111:role/reporting-service'],
    ['provider', 'volcengine'],
  ] as const) {
    it(`refuses a body that sets ${field} (400, no audit, no STS)`, async () => {
      // Prepare
      const { post, audit, aws } = setup();
      // Act
      const response = await post({ grant: 'reports-reader', [field]: value });
      // Assess
      assertRefused(response, 400);
      assert.match(response.body ?? '', new RegExp(field));
      assert.equal(aws.calls.length, 0);
      assert.deepEqual(audit.decisions(), []);
    });
  }

  for (const [label, body] of [
    ['both grant and roleArn', { grant: 'reports-reader', roleArn: REPORTS_ROLE }],
    ['neither grant nor roleArn', { durationSeconds: 900 }],
    ['a string duration', { grant: 'reports-reader', durationSeconds: '3600' }],
    ['a fractional duration', { grant: 'reports-reader', durationSeconds: 3600.5 }],
    ['a policy given as a string', { grant: 'reports-reader', policy: '{"Statement":[]}' }],
    ['a string dryRun', { grant: 'reports-reader', dryRun: 'true' }],
    ['an upper-case grant id', { grant: 'Reports-Reader' }],
    ['a Cyrillic look-alike in the ARN', { roleArn: REPORTS_ROLE.replace('arn:', '\u0430rn:') }],
    ['a Cyrillic look-alike in the role name', { roleArn: REPORTS_ROLE.replace('reports', 'r\u0435ports') }],
    [
      'full-width digits in the account',
      { roleArn: REPORTS_ROLE.replace('222222222222', '\uff12'.repeat(12)) },
    ],
    ['a zero-width space', { roleArn: `${REPORTS_ROLE}\u200b` }],
    ['a trailing newline', { roleArn: `${REPORTS_ROLE}\n` }],
    ['an assumed-role ARN', { roleArn: 'arn:aws:sts::222222222222:assumed-role/reports-read/x' }],
    ['an array body', [{ grant: 'reports-reader' }]],
    ['a null body', null],
  ] as const) {
    it(`refuses ${label} with 400`, async () => {
      // Prepare
      const { post, aws } = setup();
      // Act
      const response = await post(body);
      // Assess
      assertRefused(response, 400);
      assert.equal(aws.calls.length, 0);
    });
  }

  for (const [label, text] of [
    ['1e400', '{"grant":"reports-reader","durationSeconds":1e400}'],
    ['a duplicate grant key', '{"grant":"doris-vault-rotation","grant":"reports-reader"}'],
    ['a __proto__ key', '{"grant":"reports-reader","__proto__":{"isAdmin":true}}'],
    ['a constructor key', '{"grant":"reports-reader","constructor":{"prototype":{"isAdmin":true}}}'],
    [
      'a __proto__ key inside the policy',
      '{"grant":"reports-reader","policy":{"__proto__":{"isAdmin":true}}}',
    ],
  ] as const) {
    it(`refuses ${label} with 400 and leaves Object.prototype alone`, async () => {
      // Prepare
      const { postRaw, aws } = setup();
      // Act
      const response = await postRaw(text);
      // Assess
      assertRefused(response, 400);
      assert.equal(aws.calls.length, 0);
      assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
    });
  }

  for (const duration of [-1, 0, 899, 3601, 43_201]) {
    it(`refuses durationSeconds ${duration} with the allowed range, and audits it`, async () => {
      // Prepare
      const { post, audit, aws } = setup();
      // Act
      const response = await post({ grant: 'reports-reader', durationSeconds: duration });
      // Assess
      assertRefused(response, 400);
      const body = bodyOf(response);
      assert.equal(body.code, 'duration_out_of_range');
      assert.match(String(body.detail), /from 900 to 3600/);
      assert.equal(aws.calls.length, 0);
      assert.deepEqual(audit.decisions(), ['DENIED']);
    });
  }
});

describe('POST /v1/credentials: logs of a failing issuance (invariant 10)', () => {
  it('never logs the minted secret, the session token or the raw request', async () => {
    // Prepare: STS mints, then the ISSUED record fails; the secret exists in memory.
    const logs = capturingLogger({ POWERTOOLS_LOGGER_LOG_EVENT: 'true' });
    const { post, audit } = setup(logs.logger);
    audit.failOnDecision('ISSUED');
    // Act
    let response: APIGatewayProxyStructuredResultV2;
    try {
      response = await post(
        { grant: 'reports-reader', durationSeconds: 900 },
        { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=ASIAX, Signature=feedface-sig' } },
      );
    } finally {
      logs.restore();
    }
    // Assess
    assert.equal(response.statusCode, 503);
    const text = logs.lines.join('\n');
    assert.ok(logs.entries().some((entry) => entry.message === 'request failed'));
    for (const secret of [SECRET_ACCESS_KEY, SESSION_TOKEN, 'feedface-sig', '"durationSeconds":900']) {
      assert.ok(!text.includes(secret), `log contains ${secret}`);
    }
  });
});
