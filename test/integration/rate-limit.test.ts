/**
 * Per-caller issuance rate limit through the local stack (invariant 13), with the limit
 * lowered to 5 a minute, and header spoofing (invariant 1): identity and source IP come
 * from the authenticated request, never from client headers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { recordsOfRequest, scanAudit } from './audit-records.js';
import { devIdentity, type StackFixture, startStackFixture } from './stack-fixture.js';

const LIMIT = 5;
const BURST = 9;

let fixture: StackFixture;

before(async () => {
  fixture = await startStackFixture({ apiEnv: { BROKER_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
});
after(async () => {
  await fixture?.stop();
});

/** A burst that straddled a minute boundary would count in two windows. */
async function awayFromMinuteEnd(marginMs = 8_000) {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 60_000 - marginMs) await sleep(60_000 - intoMinute + 50);
}

const issue = (as: string, grant: string, headers?: Record<string, string>) =>
  fixture.call(as, 'POST', '/v1/credentials', { grant }, headers ? { headers } : {});

describe('per-caller rate limit', () => {
  it('cuts a burst from one caller at the limit with 429 + Retry-After, audited as rate_limited', async () => {
    // Prepare
    await awayFromMinuteEnd();
    // Act
    const responses = await Promise.all(
      Array.from({ length: BURST }, () => issue('reporting-service', 'reports-reader')),
    );
    // Assess
    const statuses = responses.map((r) => r.status).sort();
    assert.deepEqual(statuses, [...Array(LIMIT).fill(201), ...Array(BURST - LIMIT).fill(429)]);
    const refused = responses.filter((r) => r.status === 429);
    for (const response of refused) {
      assert.equal(response.headers.get('content-type'), 'application/problem+json');
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const retryAfter = Number(response.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      const body = (await response.json()) as { code: string; requestId: string };
      assert.equal(body.code, 'rate_limited');
      const records = await recordsOfRequest(fixture.stack, body.requestId);
      assert.deepEqual(
        records.map((r) => [r.decision, r.reason, r.grantId]),
        [['DENIED', 'rate_limited', 'reports-reader']],
      );
    }
    assert.equal(
      fixture.stack.awsSts.calls.filter((c) => c.action === 'AssumeRole').length,
      LIMIT,
      'refused requests never reach STS',
    );
  });

  it('leaves another caller, and the same caller on another grant, unaffected', async () => {
    // Act
    const otherCaller = await issue('rotation-job', 'doris-vault-rotation');
    const otherGrant = await issue('reporting-service', 'tos-reader');
    // Assess
    assert.equal(otherCaller.status, 201, await otherCaller.clone().text());
    assert.equal(otherGrant.status, 201, await otherGrant.clone().text());
  });
});

describe('header spoofing', () => {
  it('ignores X-Forwarded-For, X-Caller and X-Amzn-* for identity and the recorded source IP', async () => {
    // Prepare: reporting-service claims to be rotation-job to get rotation-job's grant
    const spoofed = {
      'X-Forwarded-For': '203.0.113.9',
      'X-Real-IP': '203.0.113.9',
      'X-Caller': devIdentity('rotation-job').principalArn,
      'X-Amzn-Oidc-Identity': 'rotation-job',
      'X-Amzn-RequestContext': JSON.stringify({
        authorizer: { iam: { userArn: 'arn:aws:iam::111111111111:role/rotation-job' } },
      }),
    };
    // Act
    const response = await issue('reporting-service', 'doris-vault-rotation', spoofed);
    // Assess
    assert.equal(response.status, 403);
    const body = (await response.json()) as { requestId: string };
    const [record, ...others] = await recordsOfRequest(fixture.stack, body.requestId);
    assert.equal(others.length, 0);
    assert.equal(record?.decision, 'DENIED');
    assert.equal(record?.callerKey, 'aws:111111111111:role/reporting-service');
    assert.equal(record?.callerPrincipal, devIdentity('reporting-service').principalArn);
    assert.equal(record?.sourceIp, '127.0.0.1');
    const { text } = await scanAudit(fixture.stack);
    assert.ok(!text.includes('203.0.113.9'), 'a client-supplied address reached the audit trail');
  });
});
