import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrokerError } from '../../../lib/errors.js';
import { makeVolcengineIssuer } from '../../../lib/providers/volcengine-sts.js';
import {
  interpretAssumeRoleResponse,
  TransientFailure,
} from '../../../lib/providers/volcengine-sts-response.js';

const now = new Date('2026-11-25T02:00:00Z');
const secret = 'sEcReT-value-that-must-not-leak';
const token = 'STS-token-that-must-not-leak';

const answer = (credentials: Record<string, unknown>, metadata: Record<string, unknown> = {}) =>
  JSON.stringify({
    ResponseMetadata: { RequestId: 'req-1', Action: 'AssumeRole', Version: '2018-01-01', ...metadata },
    Result: {
      Credentials: {
        AccessKeyId: 'AKTPexample',
        SecretAccessKey: secret,
        SessionToken: token,
        ExpiredTime: '2026-11-25T11:00:00+08:00',
        CurrentTime: '2026-11-25T10:00:00+08:00',
        ...credentials,
      },
      AssumedRoleUser: { Trn: 'trn:sts::2100000002:assumed-role/tos-reader/s', AssumedRoleId: '1:s' },
    },
  });

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return assert.fail('expected a failure');
}

describe('interpretAssumeRoleResponse', () => {
  it('turns ExpiredTime with an offset into the exact instant', () => {
    // Act
    const session = interpretAssumeRoleResponse(200, answer({}), now);
    // Assess
    assert.equal(session.expiration.toISOString(), '2026-11-25T03:00:00.000Z');
    assert.equal(session.assumedRoleArn, 'trn:sts::2100000002:assumed-role/tos-reader/s');
    assert.equal(session.assumedRoleId, '1:s');
  });

  it('accepts ExpiredTime as Unix seconds, as the SDK types allow', () => {
    // Act
    const session = interpretAssumeRoleResponse(200, answer({ ExpiredTime: 1_795_575_600 }), now);
    // Assess
    assert.equal(session.expiration.toISOString(), '2026-11-25T03:00:00.000Z');
  });

  for (const [label, credentials] of [
    ['a time without offset (would be read in local time)', { ExpiredTime: '2026-11-25T11:00:00' }],
    ['an expiration already past', { ExpiredTime: '2026-11-25T09:59:00+08:00' }],
    ['a missing session token', { SessionToken: undefined }],
    ['an empty secret', { SecretAccessKey: '' }],
  ] as const) {
    it(`refuses ${label} as a 503, without echoing any value`, () => {
      // Act
      const error = thrown(() => interpretAssumeRoleResponse(200, answer(credentials), now));
      // Assess
      assert.ok(error instanceof BrokerError);
      assert.equal(error.status, 503);
      const seen = `${error.message} ${error.internalReason}`;
      assert.ok(!seen.includes(secret) && !seen.includes(token));
      assert.match(error.internalReason ?? '', /malformed AssumeRole result/);
    });
  }

  it('treats bare HTTP 429 and 5xx bodies as transient', () => {
    // Act
    const throttled = thrown(() => interpretAssumeRoleResponse(429, '', now));
    const gateway = thrown(() => interpretAssumeRoleResponse(502, '<html>bad gateway</html>', now));
    // Assess
    assert.ok(throttled instanceof TransientFailure);
    assert.ok(gateway instanceof TransientFailure);
  });

  it('maps error codes whatever the HTTP status says', () => {
    // Prepare
    const withError = (Code: string) =>
      JSON.stringify({ ResponseMetadata: { Error: { Code, Message: 'm' } } });
    // Act
    const denied = thrown(() => interpretAssumeRoleResponse(200, withError('AccessDenied'), now));
    const invalid = thrown(() => interpretAssumeRoleResponse(400, withError('InvalidParameter.Policy'), now));
    const auth = thrown(() => interpretAssumeRoleResponse(401, withError('SignatureDoesNotMatch'), now));
    const throttled = thrown(() => interpretAssumeRoleResponse(200, withError('FlowLimitExceeded'), now));
    const unknown = thrown(() => interpretAssumeRoleResponse(400, withError('SomethingNew'), now));
    // Assess
    assert.deepEqual(
      [denied, invalid, auth, unknown].map((e) => (e instanceof BrokerError ? [e.status, e.code] : e)),
      [
        [403, 'not_allowed'],
        [400, 'provider_rejected_request'],
        [500, 'provider_auth_failed'],
        [503, 'dependency_unavailable'],
      ],
    );
    assert.ok(throttled instanceof TransientFailure);
  });
});

describe('Volcengine issuer over a scripted transport', () => {
  it('retries gateway failures without a JSON body and then succeeds', async () => {
    // Prepare
    const replies = [new Response('bad gateway', { status: 502 }), new Response('', { status: 503 })];
    let calls = 0;
    const issuer = makeVolcengineIssuer({
      endpoint: 'https://sts.volcengineapi.com',
      credentials: { accessKeyId: 'AKLTX', secretAccessKey: 'broker-secret' },
      clock: () => now,
      sleep: async () => {},
      fetch: async () => {
        calls += 1;
        return replies.shift() ?? new Response(answer({}), { status: 200 });
      },
    });
    // Act
    const session = await issuer.assume(
      { roleArn: 'trn:iam::2100000002:role/tos-reader', roleSessionName: 'svc', durationSeconds: 3600 },
      { remainingMs: () => 10_000 },
    );
    // Assess
    assert.equal(session.accessKeyId, 'AKTPexample');
    assert.equal(calls, 3);
  });

  it('sends a signed GET to the endpoint root with the documented parameters', async () => {
    // Prepare
    let seen: { url: string; headers: Headers } | undefined;
    const issuer = makeVolcengineIssuer({
      endpoint: 'https://sts.volcengineapi.com',
      credentials: { accessKeyId: 'AKLTX', secretAccessKey: 'broker-secret' },
      clock: () => now,
      fetch: async (url, init) => {
        seen = { url: String(url), headers: new Headers(init?.headers) };
        return new Response(answer({}), { status: 200 });
      },
    });
    // Act
    await issuer.assume(
      {
        roleArn: 'trn:iam::2100000002:role/tos-reader',
        roleSessionName: 'svc',
        durationSeconds: 900,
        policy: '{}',
      },
      { remainingMs: () => 10_000 },
    );
    // Assess
    assert.equal(
      seen?.url,
      'https://sts.volcengineapi.com/?Action=AssumeRole&DurationSeconds=900&Policy=%7B%7D' +
        '&RoleSessionName=svc&RoleTrn=trn%3Aiam%3A%3A2100000002%3Arole%2Ftos-reader&Version=2018-01-01',
    );
    assert.equal(seen?.headers.get('x-date'), '20261125T020000Z');
    assert.match(
      seen?.headers.get('authorization') ?? '',
      /^HMAC-SHA256 Credential=AKLTX\/20261125\/cn-north-1\/sts\/request, SignedHeaders=host;x-content-sha256;x-date, /,
    );
    assert.ok(!JSON.stringify([...(seen?.headers ?? [])]).includes('broker-secret'));
  });
});
