import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Budget } from '../../lib/budget.js';
import { type Attempt, backoffDelayMs, RetriesExhausted, withRetries } from '../../lib/retry.js';

class Transient extends Error {}
class Permanent extends Error {}

/** A virtual clock: sleeping and attempts advance it, so budgets are exact and tests fast. */
function virtualTime(budgetMs: number) {
  let now = 0;
  const sleeps: number[] = [];
  const budget: Budget = { remainingMs: () => budgetMs - now };
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    now += ms;
  };
  const spend = (ms: number) => {
    now += ms;
  };
  return { budget, sleep, sleeps, spend };
}

const baseOptions = {
  maxAttempts: 3,
  requestTimeoutMs: 2_000,
  isRetryable: (error: unknown) => error instanceof Transient,
  random: () => 0.5,
};

describe('withRetries', () => {
  it('retries retryable failures and returns the first success', async () => {
    // Prepare
    const time = virtualTime(10_000);
    const attempts: Attempt[] = [];
    // Act
    const result = await withRetries(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt.number < 3) throw new Transient('throttled');
        return 'minted';
      },
      time.budget,
      { ...baseOptions, sleep: time.sleep },
    );
    // Assess
    assert.equal(result, 'minted');
    assert.deepEqual(
      attempts.map((a) => a.number),
      [1, 2, 3],
    );
    assert.deepEqual(time.sleeps, [50, 100]);
  });

  it('rethrows a non-retryable failure at once', async () => {
    // Prepare
    const time = virtualTime(10_000);
    let calls = 0;
    // Act
    const result = withRetries(
      async () => {
        calls += 1;
        throw new Permanent('denied');
      },
      time.budget,
      { ...baseOptions, sleep: time.sleep },
    );
    // Assess
    await assert.rejects(result, Permanent);
    assert.equal(calls, 1);
    assert.deepEqual(time.sleeps, []);
  });

  it('gives up after maxAttempts with the last failure attached', async () => {
    // Prepare
    const time = virtualTime(60_000);
    let calls = 0;
    // Act
    const result = withRetries(
      async () => {
        calls += 1;
        throw new Transient(`throttled ${calls}`);
      },
      time.budget,
      { ...baseOptions, sleep: time.sleep },
    );
    // Assess
    await assert.rejects(result, (error: unknown) => {
      assert.ok(error instanceof RetriesExhausted);
      assert.equal(error.reason, 'attempts');
      assert.equal(error.attempts, 3);
      assert.equal((error.lastError as Error).message, 'throttled 3');
      return true;
    });
    assert.equal(calls, 3);
  });

  it('cuts each attempt timeout to the budget left minus the safety margin', async () => {
    // Prepare
    const time = virtualTime(1_000);
    const timeouts: number[] = [];
    // Act
    await withRetries(
      async (attempt) => {
        timeouts.push(attempt.timeoutMs);
        return 'ok';
      },
      time.budget,
      { ...baseOptions, requestTimeoutMs: 5_000, safetyMarginMs: 250, sleep: time.sleep },
    );
    // Assess
    assert.deepEqual(timeouts, [750]);
  });

  it('stops retrying when the budget is spent, without starting a hopeless attempt', async () => {
    // Prepare: each attempt burns its whole timeout, as a hanging dependency would.
    const time = virtualTime(1_000);
    let calls = 0;
    // Act
    const result = withRetries(
      async (attempt) => {
        calls += 1;
        time.spend(attempt.timeoutMs);
        throw new Transient('timed out');
      },
      time.budget,
      { ...baseOptions, maxAttempts: 5, sleep: time.sleep },
    );
    // Assess
    await assert.rejects(result, (error: unknown) => {
      assert.ok(error instanceof RetriesExhausted);
      assert.equal(error.reason, 'budget');
      return true;
    });
    assert.equal(calls, 1);
    assert.deepEqual(time.sleeps, []);
  });

  it('does not even start when the budget is already gone', async () => {
    // Prepare
    const time = virtualTime(100);
    let calls = 0;
    // Act
    const result = withRetries(
      async () => {
        calls += 1;
        return 'ok';
      },
      time.budget,
      { ...baseOptions, sleep: time.sleep },
    );
    // Assess
    await assert.rejects(result, RetriesExhausted);
    assert.equal(calls, 0);
  });
});

describe('withRetries: delays a failure asks for', () => {
  class Throttled extends Error {
    constructor(readonly waitMs: number) {
      super('throttled');
    }
  }
  const asked = {
    ...baseOptions,
    isRetryable: (error: unknown) => error instanceof Throttled,
    requestedDelayMs: (error: unknown) => (error instanceof Throttled ? error.waitMs : undefined),
    maxDelayMs: 5_000,
  };

  it('waits exactly what the failure asks and announces each wait before it', async () => {
    // Prepare
    const time = virtualTime(60_000);
    const notices: string[] = [];
    // Act
    const result = await withRetries(
      async (attempt) => {
        if (attempt.number < 3) throw new Throttled(attempt.number * 1_000);
        return 'minted';
      },
      time.budget,
      {
        ...asked,
        sleep: time.sleep,
        onRetry: (notice) => notices.push(`${notice.failedAttempt}/${notice.maxAttempts} ${notice.delayMs}`),
      },
    );
    // Assess
    assert.equal(result, 'minted');
    assert.deepEqual(time.sleeps, [1_000, 2_000]);
    assert.deepEqual(notices, ['1/3 1000', '2/3 2000']);
  });

  it('gives up at once when the asked delay is longer than the longest wait', async () => {
    // Prepare
    const time = virtualTime(600_000);
    const failure = new Throttled(60_000);
    // Act
    const result = withRetries(
      async () => {
        throw failure;
      },
      time.budget,
      { ...asked, sleep: time.sleep },
    );
    // Assess
    await assert.rejects(
      result,
      (error: unknown) =>
        error instanceof RetriesExhausted && error.reason === 'delay' && error.lastError === failure,
    );
    assert.deepEqual(time.sleeps, []);
  });
});

describe('backoffDelayMs', () => {
  it('draws full jitter in [0, min(cap, base × 2^(n-1)))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (number, base, cap, random) => {
          // Act
          const delay = backoffDelayMs(number, base, cap, () => random);
          // Assess
          assert.ok(delay >= 0);
          assert.ok(delay < Math.min(cap, base * 2 ** (number - 1)));
          assert.ok(Number.isInteger(delay));
        },
      ),
    );
  });
});
