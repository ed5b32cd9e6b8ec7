/**
 * The per-caller rate limiter against a real embedded DynamoDB (dynalite) with a fake
 * clock: the conditional ADD counts per caller, budget and window, an over-limit verdict
 * carries a Retry-After to the window end, the instance then knows the caller is over with
 * no I/O, and a dead table fails closed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { BrokerError } from '../../lib/errors.js';
import { makeDynamoRateLimiter, WINDOW_MS, windowKey } from '../../lib/ratelimit/dynamodb-rate-limiter.js';
import { ampleBudget } from '../support/budget.js';
import { awsCallerOf, ROTATION_JOB, reportingCaller } from '../support/grants.js';
import { useRateTable } from '../support/rate-table.js';

const TABLE = 'rate-test';
/** 10 s into a window, so the window ends 50 s later. */
const T0 = Date.UTC(2025, 0, 1, 12, 0, 10);

const table = useRateTable(TABLE);

function limiterAt(clock: { now: number }) {
  return makeDynamoRateLimiter({
    client: table.client(),
    tableName: TABLE,
    timeoutMs: 1_000,
    now: () => clock.now,
  });
}

const grantBudget = (grantId: string, limitPerMinute = 3) => ({ name: `grant:${grantId}`, limitPerMinute });

async function refusal(attempt: Promise<unknown>): Promise<BrokerError> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof BrokerError, `expected a BrokerError, got ${String(error)}`);
  return error;
}

describe('DynamoDB rate limiter', () => {
  it('admits the limit within a window, then says over with Retry-After to the window end', async () => {
    // Prepare
    const clock = { now: T0 };
    const limiter = limiterAt(clock);
    const caller = reportingCaller('burst-1');
    const rates = [grantBudget('grant-a')];
    // Act
    const admitted = [];
    for (let i = 0; i < 3; i++) admitted.push(await limiter.charge(caller, rates, ampleBudget()));
    clock.now = T0 + 5_000;
    const verdict = await limiter.charge(caller, rates, ampleBudget());
    // Assess
    assert.deepEqual(admitted, [{ over: false }, { over: false }, { over: false }]);
    // The admitted verdict is one object shared by every request: it must not be writable.
    for (const shared of admitted) assert.throws(() => Object.assign(shared, { over: true }), TypeError);
    assert.deepEqual(verdict, { over: true, budget: 'grant:grant-a', retryAfterSeconds: 45, known: false });
  });

  it('then knows the caller is over until the window ends, without asking DynamoDB', async () => {
    // Prepare
    const clock = { now: T0 };
    const limiter = limiterAt(clock);
    const caller = reportingCaller('burst-2');
    const rates = [grantBudget('grant-k', 1)];
    await limiter.charge(caller, rates, ampleBudget());
    const before = limiter.knownOver(caller, rates);
    await limiter.charge(caller, rates, ampleBudget());
    // Act
    clock.now = T0 + 20_000;
    const known = limiter.knownOver(caller, rates);
    const otherBudget = limiter.knownOver(caller, [grantBudget('grant-other', 1)]);
    clock.now = T0 - (T0 % WINDOW_MS) + WINDOW_MS;
    const nextWindow = limiter.knownOver(caller, rates);
    // Assess
    assert.equal(before, undefined);
    assert.deepEqual(known, { over: true, budget: 'grant:grant-k', retryAfterSeconds: 30, known: true });
    assert.equal(otherBudget, undefined);
    assert.equal(nextWindow, undefined);
  });

  it('does not count refused attempts, and opens a new window at the minute boundary', async () => {
    // Prepare
    const clock = { now: T0 };
    const limiter = limiterAt(clock);
    const caller = awsCallerOf(ROTATION_JOB);
    const rates = [grantBudget('grant-b', 1)];
    await limiter.charge(caller, rates, ampleBudget());
    for (let i = 0; i < 5; i++) assert.equal((await limiter.charge(caller, rates, ampleBudget())).over, true);
    // Act
    clock.now = T0 - (T0 % WINDOW_MS) + WINDOW_MS;
    const fresh = await limiter.charge(caller, rates, ampleBudget());
    // Assess
    assert.deepEqual(fresh, { over: false });
    const item = await table.client().send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { windowKey: { S: windowKey(caller, 'grant:grant-b', T0 - (T0 % WINDOW_MS)) } },
      }),
    );
    assert.equal(item.Item?.count?.N, '1', 'refused attempts must not raise the counter');
    const expiresAt = Number(item.Item?.expiresAt?.N);
    assert.ok(expiresAt * 1000 > T0 - (T0 % WINDOW_MS) + WINDOW_MS, 'TTL lies after the window end');
  });

  it('counts each caller and each budget separately', async () => {
    // Prepare
    const clock = { now: T0 };
    const limiter = limiterAt(clock);
    const noisy = reportingCaller('noisy');
    await limiter.charge(noisy, [grantBudget('grant-c', 1)], ampleBudget());
    // Act
    const otherCaller = await limiter.charge(
      awsCallerOf(ROTATION_JOB),
      [grantBudget('grant-c', 1)],
      ampleBudget(),
    );
    const otherGrant = await limiter.charge(noisy, [grantBudget('grant-d', 1)], ampleBudget());
    const requests = await limiter.charge(noisy, [{ name: 'requests', limitPerMinute: 1 }], ampleBudget());
    const again = await limiter.charge(noisy, [grantBudget('grant-c', 1)], ampleBudget());
    // Assess
    assert.deepEqual(
      [otherCaller, otherGrant, requests],
      [{ over: false }, { over: false }, { over: false }],
    );
    assert.equal(again.over, true);
  });

  it('charges every budget of a request and answers over when any one is', async () => {
    // Prepare: a window of its own (callers of one role share their counters)
    const clock = { now: T0 + 10 * WINDOW_MS };
    const limiter = limiterAt(clock);
    const caller = reportingCaller('two-budgets');
    const rates = [{ name: 'requests', limitPerMinute: 10 }, grantBudget('grant-e', 2)];
    // Act
    const verdicts = [];
    for (let i = 0; i < 3; i++) verdicts.push(await limiter.charge(caller, rates, ampleBudget()));
    // Assess: the third is over the grant budget; the request budget counted all three
    assert.deepEqual(
      verdicts.map((v) => v.over),
      [false, false, true],
    );
    const item = await table.client().send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { windowKey: { S: windowKey(caller, 'requests', clock.now - (clock.now % WINDOW_MS)) } },
      }),
    );
    assert.equal(item.Item?.count?.N, '3');
  });

  it('fails closed with 503 when the table cannot be reached', async () => {
    // Prepare: a port nobody listens on
    const limiter = makeDynamoRateLimiter({
      client: table.unreachableClient(),
      tableName: TABLE,
      timeoutMs: 1_000,
    });
    // Act
    const error = await refusal(limiter.charge(reportingCaller(), [grantBudget('grant-f')], ampleBudget()));
    // Assess
    assert.equal(error.status, 503);
    assert.equal(error.code, 'dependency_unavailable');
    assert.ok((error.retryAfterSeconds ?? 0) > 0);
  });

  it('refuses with 503 without calling DynamoDB when the request budget is spent', async () => {
    // Prepare
    const limiter = limiterAt({ now: T0 });
    // Act
    const error = await refusal(
      limiter.charge(reportingCaller(), [grantBudget('grant-g')], ampleBudget(100)),
    );
    // Assess
    assert.equal(error.status, 503);
  });
});
