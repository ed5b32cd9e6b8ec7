/**
 * The per-caller rate limiter (invariant 13) against a real embedded DynamoDB (dynalite)
 * with a fake clock: the conditional ADD counts per caller, grant and window, a refusal
 * is a 429 whose Retry-After reaches the window end, and a dead table fails closed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { BrokerError } from '../../lib/errors.js';
import { makeDynamoRateLimiter, WINDOW_MS, windowKey } from '../../lib/ratelimit/dynamodb-rate-limiter.js';
import {
  ensureTable,
  type LocalDynamo,
  localDynamoClient,
  rateTableInput,
  startDynalite,
} from '../../local/dynamodb.js';
import { ampleBudget } from '../support/budget.js';
import { awsCallerOf, ROTATION_JOB, reportingCaller } from '../support/grants.js';

const TABLE = 'rate-test';
const CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' };
/** 10 s into a window, so the window ends 50 s later. */
const T0 = Date.UTC(2025, 0, 1, 12, 0, 10);

let dynamo: LocalDynamo;

before(async () => {
  dynamo = await startDynalite({ port: 0 });
  await ensureTable(localDynamoClient(dynamo.url, CREDENTIALS), rateTableInput(TABLE));
});
after(async () => {
  await dynamo?.stop();
});

function limiterAt(clock: { now: number }, defaultLimitPerMinute = 3) {
  return makeDynamoRateLimiter({
    client: localDynamoClient(dynamo.url, CREDENTIALS),
    tableName: TABLE,
    defaultLimitPerMinute,
    timeoutMs: 1_000,
    now: () => clock.now,
  });
}

async function refusal(attempt: Promise<void>): Promise<BrokerError> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof BrokerError, `expected a BrokerError, got ${String(error)}`);
  return error;
}

describe('DynamoDB rate limiter', () => {
  it('admits the limit within a window, then answers 429 with Retry-After to the window end', async () => {
    // Prepare
    const clock = { now: T0 };
    const limiter = limiterAt(clock);
    const caller = reportingCaller('burst-1');
    // Act
    for (let i = 0; i < 3; i++) await limiter.consume(caller, 'grant-a', undefined, ampleBudget());
    clock.now = T0 + 5_000;
    const error = await refusal(limiter.consume(caller, 'grant-a', undefined, ampleBudget()));
    // Assess
    assert.equal(error.status, 429);
    assert.equal(error.code, 'rate_limited');
    assert.equal(error.retryAfterSeconds, 45);
  });

  it('does not count refused attempts, and opens a new window at the minute boundary', async () => {
    // Prepare
    const clock = { now: T0 };
    const limiter = limiterAt(clock, 1);
    const caller = awsCallerOf(ROTATION_JOB);
    await limiter.consume(caller, 'grant-b', undefined, ampleBudget());
    for (let i = 0; i < 5; i++) await refusal(limiter.consume(caller, 'grant-b', undefined, ampleBudget()));
    // Act
    clock.now = T0 - (T0 % WINDOW_MS) + WINDOW_MS;
    await limiter.consume(caller, 'grant-b', undefined, ampleBudget());
    // Assess
    const item = await localDynamoClient(dynamo.url, CREDENTIALS).send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { windowKey: { S: windowKey(caller, 'grant-b', T0 - (T0 % WINDOW_MS)) } },
      }),
    );
    assert.equal(item.Item?.count?.N, '1', 'refused attempts must not raise the counter');
    const expiresAt = Number(item.Item?.expiresAt?.N);
    assert.ok(expiresAt * 1000 > T0 - (T0 % WINDOW_MS) + WINDOW_MS, 'TTL lies after the window end');
  });

  it('counts each caller and each grant separately', async () => {
    // Prepare
    const clock = { now: T0 };
    const limiter = limiterAt(clock, 1);
    const noisy = reportingCaller('noisy');
    await limiter.consume(noisy, 'grant-c', undefined, ampleBudget());
    // Act
    const otherCaller = limiter.consume(awsCallerOf(ROTATION_JOB), 'grant-c', undefined, ampleBudget());
    const otherGrant = limiter.consume(noisy, 'grant-d', undefined, ampleBudget());
    // Assess
    await assert.doesNotReject(otherCaller);
    await assert.doesNotReject(otherGrant);
    assert.equal((await refusal(limiter.consume(noisy, 'grant-c', undefined, ampleBudget()))).status, 429);
  });

  it('applies the grant override instead of the default', async () => {
    // Prepare
    const clock = { now: T0 };
    const limiter = limiterAt(clock, 100);
    const caller = reportingCaller('override');
    await limiter.consume(caller, 'grant-e', 2, ampleBudget());
    await limiter.consume(caller, 'grant-e', 2, ampleBudget());
    // Act
    const error = await refusal(limiter.consume(caller, 'grant-e', 2, ampleBudget()));
    // Assess
    assert.equal(error.status, 429);
  });

  it('fails closed with 503 when the table cannot be reached', async () => {
    // Prepare: a port nobody listens on
    const limiter = makeDynamoRateLimiter({
      client: localDynamoClient('http://127.0.0.1:9', CREDENTIALS),
      tableName: TABLE,
      defaultLimitPerMinute: 60,
      timeoutMs: 1_000,
    });
    // Act
    const error = await refusal(limiter.consume(reportingCaller(), 'grant-f', undefined, ampleBudget()));
    // Assess
    assert.equal(error.status, 503);
    assert.equal(error.code, 'dependency_unavailable');
    assert.ok((error.retryAfterSeconds ?? 0) > 0);
  });

  it('refuses with 503 without calling DynamoDB when the request budget is spent', async () => {
    // Prepare
    const limiter = limiterAt({ now: T0 });
    // Act
    const error = await refusal(limiter.consume(reportingCaller(), 'grant-g', undefined, ampleBudget(100)));
    // Assess
    assert.equal(error.status, 503);
  });
});
