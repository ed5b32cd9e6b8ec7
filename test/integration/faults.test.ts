/**
 * Fault matrix against the local stack (invariants 8, 13, 15): STS faults come from the
 * emulator's fault injection, DynamoDB faults from a proxy in front of dynalite. For each
 * fault: the response, the audit records it left, and that credentials never leave the
 * broker without a committed ISSUED record.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { decisionsOf, recordsOfRequest, scanAudit } from './audit-records.js';
import { type DynamoFaultProxy, startDynamoFaultProxy } from './dynamo-fault-proxy.js';
import { type StackFixture, startStackFixture } from './stack-fixture.js';

const STS_MAX_ATTEMPTS = 3;
const STS_TIMEOUT_MS = 1_500;
/** serverless.yml `timeout`: a 503 must come well before it. */
const LAMBDA_TIMEOUT_MS = 10_000;

let fixture: StackFixture;
let proxy: DynamoFaultProxy;
/** What the current test answered and minted: each test checks its own leftovers (afterEach). */
let outcomes: Outcome[] = [];
let secretsBefore = new Set<string>();

before(async () => {
  proxy = await startDynamoFaultProxy();
  fixture = await startStackFixture({
    apiEnv: {
      AWS_ENDPOINT_URL_DYNAMODB: proxy.url,
      BROKER_STS_TIMEOUT_MS: String(STS_TIMEOUT_MS),
      BROKER_STS_MAX_ATTEMPTS: String(STS_MAX_ATTEMPTS),
    },
  });
  proxy.setTarget(fixture.stack.dynamo.url);
});
after(async () => {
  await fixture?.stop();
  await proxy?.stop();
});
beforeEach(() => {
  fixture.stack.awsSts.clearFaults();
  fixture.stack.awsSts.clearCalls();
  outcomes = [];
  secretsBefore = new Set(fixture.stack.awsSts.issuedSecrets());
});
afterEach(async () => {
  proxy.heal();
  await assertNothingLeaked();
});

/**
 * After every test, whatever it injected: credentials left the broker only with a committed
 * ISSUED record (one per 201), no failure carried them, and no secret minted during the
 * test reached the audit table or the broker's logs.
 */
async function assertNothingLeaked() {
  const { records, text } = await scanAudit(fixture.stack);
  const issued = records.filter((r) => r.decision === 'ISSUED');
  for (const outcome of outcomes) {
    if (outcome.status === 201) {
      assert.ok(
        issued.some((r) => r.issuanceId === outcome.body.issuanceId, 'a 201 without an ISSUED record'),
      );
      continue;
    }
    assert.doesNotMatch(outcome.text, /"credentials"|secretAccessKey|sessionToken/);
    const requestId = String(outcome.body.requestId);
    assert.ok(!issued.some((r) => r.requestId === requestId), 'an ISSUED record for a refused request');
  }
  const logs = fixture.apiOutput();
  for (const secret of fixture.stack.awsSts.issuedSecrets().filter((s) => !secretsBefore.has(s))) {
    assert.ok(!text.includes(secret), 'a secret reached the audit table');
    assert.ok(!logs.includes(secret), 'a secret reached the logs');
  }
}

interface Outcome {
  status: number;
  ms: number;
  retryAfter: string | null;
  contentType: string | null;
  body: { code?: string; detail?: string; requestId?: string; credentials?: unknown; issuanceId?: string };
  text: string;
}

async function issue(): Promise<Outcome> {
  const started = Date.now();
  const response = await fixture.call('reporting-service', 'POST', '/v1/credentials', {
    grant: 'reports-reader',
  });
  const text = await response.text();
  const outcome = {
    status: response.status,
    ms: Date.now() - started,
    retryAfter: response.headers.get('retry-after'),
    contentType: response.headers.get('content-type'),
    body: JSON.parse(text) as Outcome['body'],
    text,
  };
  outcomes.push(outcome);
  return outcome;
}

const assumeRoleCalls = () => fixture.stack.awsSts.calls.filter((call) => call.action === 'AssumeRole');

function assertUnavailable(outcome: Outcome) {
  assert.equal(outcome.status, 503, outcome.text);
  assert.equal(outcome.contentType, 'application/problem+json');
  assert.equal(outcome.body.code, 'dependency_unavailable');
  assert.ok(Number(outcome.retryAfter) > 0, 'a 503 says when to retry');
  assert.equal(outcome.body.credentials, undefined);
}

describe('fault matrix: STS', () => {
  it('retries one STS throttle and issues', async () => {
    // Prepare
    fixture.stack.awsSts.injectFault({ kind: 'throttling', action: 'AssumeRole', count: 1 });
    // Act
    const outcome = await issue();
    // Assess
    assert.equal(outcome.status, 201, outcome.text);
    assert.deepEqual(
      assumeRoleCalls().map((c) => c.errorCode ?? c.status),
      ['Throttling', 200],
    );
  });

  it('gives up on persistent throttling after bounded retries: 503 + Retry-After, and a terminal record', async () => {
    // Prepare
    fixture.stack.awsSts.injectFault({ kind: 'throttling', action: 'AssumeRole', count: 50 });
    // Act
    const outcome = await issue();
    // Assess
    assertUnavailable(outcome);
    const calls = assumeRoleCalls().length;
    assert.ok(calls >= 1 && calls <= STS_MAX_ATTEMPTS, `${calls} AssumeRole calls`);
    const records = await recordsOfRequest(fixture.stack, String(outcome.body.requestId));
    // Every attempt answered Throttling: FAILED. Cut off by the broker's own deadline between
    // retries instead, the SDK cannot say whether the last attempt left: UNKNOWN (the safe side).
    const terminal = calls === STS_MAX_ATTEMPTS ? 'FAILED' : 'UNKNOWN';
    assert.deepEqual(decisionsOf(records), [terminal, 'INTENT'].sort());
    assert.equal(records.find((r) => r.decision === terminal)?.reason, 'dependency_unavailable');
  });

  it('answers STS AccessDenied with a generic 403 and keeps the STS message for the audit', async () => {
    // Prepare
    fixture.stack.awsSts.injectFault({ kind: 'access-denied', action: 'AssumeRole', count: 1 });
    // Act
    const outcome = await issue();
    // Assess
    assert.equal(outcome.status, 403);
    assert.equal(outcome.body.code, 'not_allowed');
    assert.doesNotMatch(outcome.text, /222222222222|reports-read|AccessDenied|not authorized/);
    assert.equal(assumeRoleCalls().length, 1, 'AccessDenied is not retried');
    const records = await recordsOfRequest(fixture.stack, String(outcome.body.requestId));
    assert.deepEqual(decisionsOf(records), ['FAILED', 'INTENT']);
    const failed = records.find((r) => r.decision === 'FAILED');
    assert.equal(failed?.reason, 'not_allowed');
    assert.match(String(failed?.detail), /AccessDenied/);
  });

  it('answers 503 when STS hangs past its timeout, long before the Lambda timeout', async () => {
    // Prepare
    fixture.stack.awsSts.injectFault({ kind: 'latency', ms: 8_000, action: 'AssumeRole' });
    // Act
    const outcome = await issue();
    // Assess
    assertUnavailable(outcome);
    assert.ok(outcome.ms < STS_TIMEOUT_MS + 1_500, `answered after ${outcome.ms} ms`);
    assert.ok(outcome.ms < LAMBDA_TIMEOUT_MS / 2);
    const records = await recordsOfRequest(fixture.stack, String(outcome.body.requestId));
    // Sent and never answered: a session may exist, so the outcome is UNKNOWN, not FAILED.
    assert.deepEqual(decisionsOf(records), ['INTENT', 'UNKNOWN']);
  });
});

describe('fault matrix: DynamoDB', () => {
  it('answers GET /v1/health with 503 problem+json and Retry-After when DynamoDB is unreachable', async () => {
    // Prepare
    proxy.unplug();
    // Act
    const response = await fixture.call('reporting-service', 'GET', '/v1/health');
    // Assess
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('content-type'), 'application/problem+json');
    assert.ok(Number(response.headers.get('retry-after')) > 0);
    assert.equal(((await response.json()) as { code?: string }).code, 'dependency_unavailable');
  });

  it('answers 503 without calling STS when DynamoDB is unreachable', async () => {
    // Prepare
    proxy.unplug();
    // Act
    const outcome = await issue();
    // Assess
    assertUnavailable(outcome);
    assert.equal(assumeRoleCalls().length, 0, 'STS must not be called without an INTENT record');
    proxy.heal();
    assert.deepEqual(await recordsOfRequest(fixture.stack, String(outcome.body.requestId)), []);
  });

  it('answers 503 without calling STS when the INTENT record does not commit', async () => {
    // Prepare
    proxy.failWhen({ operation: 'PutItem', decision: 'INTENT', effect: 'error' });
    // Act
    const outcome = await issue();
    // Assess
    assertUnavailable(outcome);
    assert.equal(assumeRoleCalls().length, 0);
    assert.ok(
      proxy.calls.some((c) => c.decision === 'INTENT'),
      'the INTENT write was attempted',
    );
    assert.deepEqual(await recordsOfRequest(fixture.stack, String(outcome.body.requestId)), []);
  });

  it('withholds minted credentials when DynamoDB goes away between STS and ISSUED: INTENT stays unconfirmed', async () => {
    // Prepare: the connection drops exactly when the ISSUED record is written
    proxy.failWhen({ operation: 'PutItem', decision: 'ISSUED', effect: 'cut' });
    const secretsBefore = new Set(fixture.stack.awsSts.issuedSecrets());
    // Act
    const outcome = await issue();
    // Assess
    assertUnavailable(outcome);
    assert.deepEqual(
      assumeRoleCalls().map((c) => c.status),
      [200],
      'the session was minted',
    );
    const minted = fixture.stack.awsSts.issuedSecrets().filter((s) => !secretsBefore.has(s));
    assert.equal(minted.length, 2, 'one secret key and one session token');
    for (const secret of minted) assert.ok(!outcome.text.includes(secret), 'a minted secret was returned');
    proxy.heal();
    const records = await recordsOfRequest(fixture.stack, String(outcome.body.requestId));
    assert.deepEqual(decisionsOf(records), ['INTENT']);
  });

  it('withholds credentials when the ISSUED write is refused with a server error', async () => {
    // Prepare
    proxy.failWhen({ operation: 'PutItem', decision: 'ISSUED', effect: 'error' });
    // Act
    const outcome = await issue();
    // Assess
    assertUnavailable(outcome);
    assert.equal(assumeRoleCalls().length, 1);
    const records = await recordsOfRequest(fixture.stack, String(outcome.body.requestId));
    assert.deepEqual(decisionsOf(records), ['INTENT']);
  });
});
