/**
 * Counter leases, property-checked against a real embedded DynamoDB (dynalite): k
 * simulated instances (limiters of their own sharing one table and one fake clock) serve
 * random batches of concurrent requests of one caller, in random interleavings, limits
 * and clock steps. The oracle only counts what each window admitted: never more than the
 * limit, and with one instance exactly min(requests, limit). Requests go through the
 * instance the way the broker sends them: refused with no I/O when the instance knows the
 * caller is over, charged otherwise.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Caller } from '../../lib/grants/caller.js';
import { makeDynamoRateLimiter, WINDOW_MS } from '../../lib/ratelimit/dynamodb-rate-limiter.js';
import { ampleBudget } from '../support/budget.js';
import { awsCallerOf, CALLER_ACCOUNT } from '../support/grants.js';
import { useRateTable } from '../support/rate-table.js';

const TABLE = 'lease-property';
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

const table = useRateTable(TABLE);
let runs = 0;

const batch = fc.record({ instance: fc.nat(2), requests: fc.integer({ min: 1, max: 30 }) });
const scenario = fc.record({
  instances: fc.integer({ min: 1, max: 3 }),
  // Under 100 a lease is one token; 100-160 gives leases of 2 or 3.
  limit: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 100, max: 160 })),
  startMs: fc.integer({ min: 0, max: WINDOW_MS - 1 }),
  steps: fc.array(
    fc.record({
      // Batches of one step run side by side, on the same or different instances.
      batches: fc.array(batch, { minLength: 1, maxLength: 3 }),
      advanceMs: fc.oneof(
        { arbitrary: fc.constant(0), weight: 4 },
        { arbitrary: fc.integer({ min: 1, max: 30_000 }), weight: 1 },
      ),
    }),
    { minLength: 1, maxLength: 30 },
  ),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

/** What each window saw: requests sent and requests admitted. */
type Tally = Map<number, { requests: number; admitted: number }>;

async function simulate({ instances, limit, startMs, steps }: Scenario): Promise<Tally> {
  const clock = { now: T0 + startMs };
  const limiters = Array.from({ length: instances }, () =>
    makeDynamoRateLimiter({
      client: table.client(),
      tableName: TABLE,
      timeoutMs: 5_000,
      now: () => clock.now,
    }),
  );
  // A caller of its own per run: the counters of earlier runs stay in the table.
  const caller: Caller = awsCallerOf(`arn:aws:iam::${CALLER_ACCOUNT}:role/property-${++runs}`);
  const rates = [{ name: 'requests', limitPerMinute: limit }];
  const tally: Tally = new Map();
  for (const step of steps) {
    const window = clock.now - (clock.now % WINDOW_MS);
    const seen = tally.get(window) ?? { requests: 0, admitted: 0 };
    tally.set(window, seen);
    const sends = step.batches.flatMap(({ instance, requests }) => {
      const limiter = limiters[instance % instances];
      if (!limiter) throw new Error('no such instance');
      return Array.from({ length: requests }, async () => {
        seen.requests += 1;
        if (limiter.knownOver(caller, rates)) return;
        if (!(await limiter.charge(caller, rates, ampleBudget())).over) seen.admitted += 1;
      });
    });
    await Promise.all(sends);
    clock.now += step.advanceMs;
  }
  return tally;
}

describe('counter leases, property', () => {
  it('admits at most the limit per window across instances, and exactly min(requests, limit) with one', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const tally = await simulate(s);
        for (const [window, { requests, admitted }] of tally) {
          assert.ok(admitted <= s.limit, `window ${window}: ${admitted} admitted, limit ${s.limit}`);
          if (s.instances === 1)
            assert.equal(admitted, Math.min(requests, s.limit), `window ${window}: ${requests} requests`);
        }
      }),
      { numRuns: 50 },
    );
  });
});
