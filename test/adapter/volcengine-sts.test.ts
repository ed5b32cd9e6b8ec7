import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Budget } from '../../lib/budget.js';
import { BrokerError } from '../../lib/errors.js';
import type { AssumeRoleInput } from '../../lib/issuance/ports.js';
import { makeVolcengineIssuer, type VolcengineIssuerOptions } from '../../lib/providers/volcengine-sts.js';
import {
  startVolcengineStsEmulator,
  type VolcengineStsEmulator,
} from '../../local/volcengine-sts-emulator/index.js';

const broker = {
  principalArn: 'trn:iam::2100000001:user/credential-broker',
  accessKeyId: 'AKLTTESTBROKER0001',
  secretAccessKey: 'test-broker-secret-Zx81kq0PpL2m',
};
const stranger = {
  principalArn: 'trn:iam::2100000009:user/someone-else',
  accessKeyId: 'AKLTTESTSTRANGER01',
  secretAccessKey: 'test-stranger-secret-Hq29vB',
};
const tosReader = 'trn:iam::2100000002:role/tos-reader';
const strangersRole = 'trn:iam::2100000002:role/strangers-only';

const request = (overrides: Partial<AssumeRoleInput> = {}): AssumeRoleInput => ({
  roleArn: tosReader,
  roleSessionName: 'reporting-service.reporting-worker-1',
  durationSeconds: 900,
  ...overrides,
});
const budgetOf = (ms: number): Budget => {
  const deadline = Date.now() + ms;
  return { remainingMs: () => deadline - Date.now() };
};

let emulator: VolcengineStsEmulator;
const sleeps: number[] = [];
const issuer = (overrides: Partial<VolcengineIssuerOptions> = {}) =>
  makeVolcengineIssuer({
    endpoint: emulator.url,
    credentials: { accessKeyId: broker.accessKeyId, secretAccessKey: broker.secretAccessKey },
    // Back-off is tested in retry.test.ts; here it only needs to be recorded, not waited for.
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });

/** Nothing secret may travel in a thrown error: message, internal reason, cause, fields. */
function assertNoSecrets(error: unknown) {
  const seen = JSON.stringify(error, Object.getOwnPropertyNames(error ?? {})) + String(error);
  for (const secret of [broker.secretAccessKey, ...emulator.issuedSecrets()]) {
    assert.ok(!seen.includes(secret), 'a secret leaked into an error');
  }
}

async function brokerErrorOf(promise: Promise<unknown>): Promise<BrokerError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof BrokerError, `expected a BrokerError, got ${String(error)}`);
    assertNoSecrets(error);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('Volcengine STS issuer against the local emulator', () => {
  before(async () => {
    emulator = await startVolcengineStsEmulator({
      identities: [broker, stranger],
      roles: [
        { trn: tosReader, trustedPrincipals: [broker.principalArn] },
        { trn: strangersRole, trustedPrincipals: [stranger.principalArn] },
      ],
    });
  });
  after(() => emulator.stop());
  afterEach(() => {
    emulator.clearFaults();
    emulator.clearCalls();
    sleeps.length = 0;
  });

  it('mints a session with the documented shape, an exact expiration and the assumed-role TRN', async () => {
    // Prepare
    const before = Date.now();
    // Act
    const session = await issuer().assume(request({ durationSeconds: 1800 }), budgetOf(5_000));
    // Assess
    assert.match(session.accessKeyId, /^AKTP/);
    assert.ok(session.secretAccessKey.length > 0 && session.sessionToken.length > 0);
    assert.ok(emulator.issuedSecrets().includes(session.secretAccessKey));
    assert.equal(
      session.assumedRoleArn,
      'trn:sts::2100000002:assumed-role/tos-reader/reporting-service.reporting-worker-1',
    );
    assert.match(session.assumedRoleId ?? '', /^\d+:reporting-service\.reporting-worker-1$/);
    assert.ok(session.expiration instanceof Date);
    const lifetimeS = (session.expiration.getTime() - before) / 1000;
    assert.ok(lifetimeS > 1795 && lifetimeS <= 1801, `lifetime ${lifetimeS}s`);
    assert.match(session.expiration.toISOString(), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
    assert.equal(emulator.calls.length, 1);
    assert.equal(emulator.calls[0]?.requestedDurationSeconds, '1800');
    assert.equal(emulator.calls[0]?.accessKeyId, broker.accessKeyId);
  });

  it('signs and delivers an inline policy with spaces, `*`, `~` and unicode intact', async () => {
    // Prepare
    const policy = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Action: ['tos:GetObject'], Resource: ['trn:tos:::reports/年度 报告~*'] },
      ],
    });
    // Act
    await issuer().assume(request({ policy }), budgetOf(5_000));
    // Assess
    assert.equal(emulator.calls[0]?.policy, policy);
    assert.equal(emulator.calls[0]?.status, 200);
  });

  it('maps a role that does not trust the broker to a generic 403, not retried', async () => {
    // Act
    const error = await brokerErrorOf(issuer().assume(request({ roleArn: strangersRole }), budgetOf(5_000)));
    // Assess
    assert.equal(error.status, 403);
    assert.equal(error.code, 'not_allowed');
    assert.doesNotMatch(error.message, /trn:|AccessDenied|2100000/);
    assert.match(error.internalReason ?? '', /AccessDenied/);
    assert.equal(emulator.calls.length, 1);
  });

  it('maps a signature made with the wrong secret to a non-retried broker-side failure', async () => {
    // Prepare
    const wrong = issuer({
      credentials: { accessKeyId: broker.accessKeyId, secretAccessKey: 'not-the-secret' },
    });
    // Act
    const error = await brokerErrorOf(wrong.assume(request(), budgetOf(5_000)));
    // Assess
    assert.equal(error.status, 500);
    assert.equal(error.code, 'provider_auth_failed');
    assert.equal(error.expose, false);
    assert.match(error.internalReason ?? '', /SignatureDoesNotMatch/);
    assert.ok(!(error.internalReason ?? '').includes('not-the-secret'));
    assert.equal(emulator.calls.length, 1);
  });

  it('maps an unknown access key the same way', async () => {
    // Prepare
    const unknown = issuer({ credentials: { accessKeyId: 'AKLTNOBODY', secretAccessKey: 'x' } });
    // Act
    const error = await brokerErrorOf(unknown.assume(request(), budgetOf(5_000)));
    // Assess
    assert.equal(error.code, 'provider_auth_failed');
    assert.match(error.internalReason ?? '', /InvalidAccessKey/);
  });

  it('reads errors reported inside an HTTP 200 instead of taking them for success', async () => {
    // Prepare
    emulator.injectFault({ kind: 'error-in-200', count: 1 });
    emulator.injectFault({ kind: 'error-in-200', code: 'AccessDenied', count: 1 });
    // Act
    const invalid = await brokerErrorOf(issuer().assume(request(), budgetOf(5_000)));
    const denied = await brokerErrorOf(issuer().assume(request(), budgetOf(5_000)));
    // Assess
    assert.equal(invalid.status, 400);
    assert.equal(invalid.code, 'provider_rejected_request');
    assert.doesNotMatch(invalid.message, /injected|InvalidParameter/);
    assert.equal(denied.status, 403);
    assert.equal(emulator.calls.length, 2);
  });

  it('retries throttling and server errors reported inside an HTTP 200', async () => {
    // Prepare
    emulator.injectFault({ kind: 'error-in-200', code: 'Throttling', count: 1 });
    emulator.injectFault({ kind: 'error-in-200', code: 'InternalError', count: 1 });
    // Act
    const session = await issuer().assume(request(), budgetOf(5_000));
    // Assess
    assert.match(session.accessKeyId, /^AKTP/);
    assert.equal(emulator.calls.length, 3);
  });

  it('retries throttling with back-off and succeeds on the third attempt', async () => {
    // Prepare
    emulator.injectFault({ kind: 'throttling', count: 2 });
    // Act
    const session = await issuer().assume(request(), budgetOf(5_000));
    // Assess
    assert.match(session.accessKeyId, /^AKTP/);
    assert.deepEqual(
      emulator.calls.map((call) => call.status),
      [429, 429, 200],
    );
    assert.equal(sleeps.length, 2);
  });

  it('gives up on endless throttling after maxAttempts with 503 and Retry-After', async () => {
    // Prepare
    emulator.injectFault({ kind: 'throttling' });
    // Act
    const error = await brokerErrorOf(issuer({ maxAttempts: 3 }).assume(request(), budgetOf(5_000)));
    // Assess
    assert.equal(error.status, 503);
    assert.equal(error.code, 'dependency_unavailable');
    assert.ok((error.retryAfterSeconds ?? 0) > 0);
    assert.match(error.internalReason ?? '', /volcengine-sts.*RequestLimitExceeded/);
    assert.equal(emulator.calls.length, 3);
  });

  it('gives up on repeated HTTP 500 with 503', async () => {
    // Prepare
    emulator.injectFault({ kind: 'internal-error' });
    // Act
    const error = await brokerErrorOf(issuer({ maxAttempts: 2 }).assume(request(), budgetOf(5_000)));
    // Assess
    assert.equal(error.status, 503);
    assert.equal(emulator.calls.length, 2);
  });

  it('answers 503 within the budget when the service hangs', async () => {
    // Prepare
    emulator.injectFault({ kind: 'latency', ms: 10_000 });
    const started = Date.now();
    // Act
    const error = await brokerErrorOf(issuer({ requestTimeoutMs: 5_000 }).assume(request(), budgetOf(1_000)));
    // Assess
    const elapsedMs = Date.now() - started;
    assert.equal(error.status, 503);
    assert.ok(elapsedMs < 1_000, `took ${elapsedMs} ms`);
    assert.match(error.internalReason ?? '', /no answer within/);
    assert.equal(emulator.calls.length, 1);
  });

  it('answers 503 when nothing listens at the endpoint', async () => {
    // Prepare
    const down = await startVolcengineStsEmulator({ identities: [], roles: [] });
    await down.stop();
    // Act
    const error = await brokerErrorOf(issuer({ endpoint: down.url }).assume(request(), budgetOf(5_000)));
    // Assess
    assert.equal(error.status, 503);
    assert.match(error.internalReason ?? '', /network error/);
  });

  for (const durationSeconds of [899, 43_201, 3600.5, Number.NaN, -1]) {
    it(`refuses DurationSeconds ${durationSeconds} itself, before any call (the service would clamp)`, async () => {
      // Act
      const error = await brokerErrorOf(issuer().assume(request({ durationSeconds }), budgetOf(5_000)));
      // Assess
      assert.equal(error.status, 400);
      assert.equal(error.code, 'duration_out_of_range');
      assert.match(error.message, /900.*43200/);
      assert.equal(emulator.calls.length, 0);
    });
  }

  it('accepts the boundaries 900 and 43200', async () => {
    // Act
    const sessions = await Promise.all(
      [900, 43_200].map((durationSeconds) => issuer().assume(request({ durationSeconds }), budgetOf(5_000))),
    );
    // Assess
    assert.equal(sessions.length, 2);
    assert.deepEqual(emulator.calls.map((call) => call.effectiveDurationSeconds).sort(), [43_200, 900]);
  });

  it('refuses a malformed role TRN and AWS-only options as a grant problem, before any call', async () => {
    // Act
    const refusals = await Promise.all(
      [
        request({ roleArn: 'arn:aws:iam::1:role/x' }),
        request({ roleArn: 'trn:iam::2100000002:role/a/b' }),
        request({ roleSessionName: 'x' }),
        request({ externalId: 'e-1' }),
        request({ sessionTags: { team: 'reporting' } }),
      ].map((input) => brokerErrorOf(issuer().assume(input, budgetOf(5_000)))),
    );
    // Assess
    for (const error of refusals) {
      assert.equal(error.status, 500);
      assert.equal(error.code, 'grant_misconfigured');
      assert.equal(error.expose, false);
    }
    assert.equal(emulator.calls.length, 0);
  });

  it('keeps secrets out of the recorded calls', async () => {
    // Prepare
    await issuer().assume(request(), budgetOf(5_000));
    // Act
    const recorded = JSON.stringify(emulator.calls);
    // Assess
    for (const secret of [broker.secretAccessKey, ...emulator.issuedSecrets()]) {
      assert.ok(!recorded.includes(secret));
    }
  });
});
