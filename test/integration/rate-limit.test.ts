/**
 * Per-caller rate limits through the local stack, with the issuance limit lowered to 5 a
 * minute and the request limit to 12: a burst is cut with 429 + Retry-After, and a flood
 * of refusals costs a bounded number of audit records (one RATE_LIMITED per warm instance
 * that learns the caller is over), never one per request. And header spoofing: identity
 * and source IP come from the authenticated request, never from client headers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { recordsOfRequest, scanAudit } from './audit-records.js';
import { devIdentity, type StackFixture, startStackFixture } from './stack-fixture.js';

const LIMIT = 5;
const BURST = 9;
const REQUEST_LIMIT = 12;
const FLOOD = 40;

let fixture: StackFixture;

before(async () => {
  fixture = await startStackFixture({
    apiEnv: {
      BROKER_RATE_LIMIT_PER_MINUTE: String(LIMIT),
      BROKER_CALLER_REQUESTS_PER_MINUTE: String(REQUEST_LIMIT),
    },
  });
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
      // An instance that learns the caller is over closes its INTENT as RATE_LIMITED; one that
      // already knew refuses before any write.
      const records = await recordsOfRequest(fixture.stack, body.requestId);
      const trail = records.map((r) => [r.decision, r.reason, r.grantId]);
      const learned = [
        ['INTENT', undefined, 'reports-reader'],
        ['RATE_LIMITED', 'over_grant:reports-reader', 'reports-reader'],
      ];
      assert.ok(
        trail.length === 0 || JSON.stringify(trail) === JSON.stringify(learned),
        JSON.stringify(trail),
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

describe('a flood of refusals', () => {
  it('answers 429 past the request limit and leaves a bounded number of records, not one per request', async () => {
    // Prepare: mallory has no grant at all; every request would be a 403 and a DENIED record
    await awayFromMinuteEnd(25_000);
    const started = new Date().toISOString();
    // Act: sequential, as a scripted flood would be sent
    const statuses: number[] = [];
    for (let i = 0; i < FLOOD; i++) statuses.push((await issue('mallory', 'reports-reader')).status);
    // Assess
    assert.deepEqual(
      [statuses.filter((s) => s === 403).length, statuses.filter((s) => s === 429).length],
      [REQUEST_LIMIT, FLOOD - REQUEST_LIMIT],
    );
    const { records } = await scanAudit(fixture.stack);
    const mallorys = records.filter(
      (r) => r.callerKey === 'aws:111111111111:user/mallory' && String(r.at) >= started,
    );
    const denied = mallorys.filter((r) => r.decision === 'DENIED').length;
    const rateLimited = mallorys.filter((r) => r.decision === 'RATE_LIMITED').length;
    assert.equal(denied, REQUEST_LIMIT);
    // One per warm instance that learned it: the local stack runs a handful, never one per request.
    assert.ok(rateLimited >= 1 && rateLimited <= 4, `RATE_LIMITED records: ${rateLimited}`);
    assert.equal(mallorys.length, denied + rateLimited);
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
