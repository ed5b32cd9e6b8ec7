import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetFromDeadline, callWithinBudget, withTimeout } from '../../lib/budget.js';
import { BrokerError } from '../../lib/errors.js';

const limits = { dependency: 'audit', operation: 'Query byDay', capMs: 1_000 };
const roomy = () => budgetFromDeadline(Date.now() + 10_000);

class ConditionFailed extends Error {
  override name = 'ConditionFailed';
}

describe('callWithinBudget', () => {
  it('answers 503, logging the operation and the error name, never its message', async () => {
    // Act
    const call = callWithinBudget(roomy(), limits, async () => {
      throw new Error('User arn:aws:iam::999999999999:role/other is not authorized');
    });
    // Assess
    await assert.rejects(call, (error: unknown) => {
      assert.ok(error instanceof BrokerError);
      assert.equal(error.status, 503);
      assert.equal(error.code, 'dependency_unavailable');
      assert.equal(error.internalReason, 'audit: Query byDay: Error');
      assert.doesNotMatch(`${error.message} ${error.internalReason}`, /arn:|999999999999/);
      return true;
    });
  });

  it('lets through the errors the adapter handles itself', async () => {
    // Act
    const call = callWithinBudget(
      roomy(),
      limits,
      async () => {
        throw new ConditionFailed('already there');
      },
      (error) => error instanceof ConditionFailed,
    );
    // Assess
    await assert.rejects(call, ConditionFailed);
  });

  it('aborts the call when its share of the budget is spent', async () => {
    // Prepare
    let aborted = false;
    // The abort timer is unref'd (it must not hold a Lambda open): this one keeps the test alive.
    const alive = setTimeout(() => undefined, 5_000);
    // Act
    const call = callWithinBudget(roomy(), { ...limits, capMs: 20 }, (abortSignal) => {
      return new Promise((_, reject) =>
        abortSignal.addEventListener('abort', () => {
          aborted = true;
          reject(abortSignal.reason);
        }),
      );
    });
    // Assess
    await assert.rejects(call, (error: unknown) => error instanceof BrokerError && error.status === 503);
    clearTimeout(alive);
    assert.equal(aborted, true);
  });

  it('does not start a call when no time is left', async () => {
    // Prepare
    let started = false;
    // Act
    const call = callWithinBudget(budgetFromDeadline(Date.now() + 100), limits, async () => {
      started = true;
    });
    // Assess
    await assert.rejects(call, (error: unknown) => error instanceof BrokerError && error.status === 503);
    assert.equal(started, false);
  });
});

describe('withTimeout', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('aborts a call still running at its timeout, for a TimeoutError', async () => {
    // Prepare
    let signal: AbortSignal | undefined;
    // Act
    const call = withTimeout(10, (abortSignal) => {
      signal = abortSignal;
      return sleep(200);
    });
    await sleep(60);
    // Assess
    assert.equal(signal?.aborted, true);
    assert.equal((signal?.reason as Error | undefined)?.name, 'TimeoutError');
    await call;
  });

  it('stops its timer once the call settles: the signal of an answered call never aborts', async () => {
    // Prepare
    let signal: AbortSignal | undefined;
    // Act
    const answer = await withTimeout(10, async (abortSignal) => {
      signal = abortSignal;
      return 'answered';
    });
    await sleep(60);
    // Assess
    assert.equal(answer, 'answered');
    assert.equal(signal?.aborted, false);
  });

  it('stops its timer when the call fails too', async () => {
    // Prepare
    let signal: AbortSignal | undefined;
    // Act
    const call = withTimeout(10, async (abortSignal) => {
      signal = abortSignal;
      throw new Error('refused');
    });
    // Assess
    await assert.rejects(call, /refused/);
    await sleep(60);
    assert.equal(signal?.aborted, false);
  });
});
