/**
 * Counter leases against a real embedded DynamoDB (dynalite) with a fake clock: one
 * conditional update takes limit/50 tokens (at least 1), the next requests of the window are
 * served from memory, a lease never crosses a window, one instance alone still admits
 * exactly the limit, two instances together never more, and requests of one caller racing
 * in one instance use each leased token once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { BrokerError } from '../../lib/errors.js';
import type { Caller } from '../../lib/grants/caller.js';
import type { RateBudget } from '../../lib/issuance/ports.js';
import { makeDynamoRateLimiter, WINDOW_MS, windowKey } from '../../lib/ratelimit/dynamodb-rate-limiter.js';
import { ampleBudget } from '../support/budget.js';
import { awsCallerOf, CALLER_ACCOUNT } from '../support/grants.js';
import { useRateTable } from '../support/rate-table.js';

const TABLE = 'lease-test';
/** 10 s into a window. */
const T0 = Date.UTC(2025, 0, 1, 12, 0, 10);
const WINDOW_START = T0 - (T0 % WINDOW_MS);

const table = useRateTable(TABLE);
let callers = 0;

/** A caller of its own per test: callers of one role share their counters. */
const freshCaller = (): Caller => awsCallerOf(`arn:aws:iam::${CALLER_ACCOUNT}:role/lease-${++callers}`);

/**
 * A client that counts the UpdateItems it sends, and can hold the answer of the next one
 * (already applied by DynamoDB) until the test lets it through.
 */
function countingClient() {
  const client = table.client();
  let updates = 0;
  let hold: { applied: () => void; release: Promise<void> } | undefined;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'UpdateItemCommand') return next(args);
      updates += 1;
      const held = hold;
      hold = undefined;
      const answer = await next(args);
      if (held) {
        held.applied();
        await held.release;
      }
      return answer;
    },
    { step: 'initialize', name: 'countUpdates' },
  );
  /** Holds the next update's answer; resolves `applied` once DynamoDB has applied it. */
  function holdNext() {
    let onApplied = () => {};
    let releaseIt = () => {};
    const applied = new Promise<void>((resolve) => {
      onApplied = resolve;
    });
    const release = new Promise<void>((resolve) => {
      releaseIt = resolve;
    });
    hold = { applied: onApplied, release };
    return { applied, release: releaseIt };
  }
  return { client, updates: () => updates, holdNext };
}

function instance(clock: { now: number }) {
  const { client, updates, holdNext } = countingClient();
  const limiter = makeDynamoRateLimiter({ client, tableName: TABLE, timeoutMs: 2_000, now: () => clock.now });
  const charge = async (caller: Caller, rate: RateBudget) =>
    !(await limiter.charge(caller, [rate], ampleBudget())).over;
  return { limiter, charge, updates, holdNext };
}

async function counterOf(caller: Caller, budgetName: string, windowStart = WINDOW_START) {
  const item = await table.client().send(
    new GetItemCommand({
      TableName: TABLE,
      Key: { windowKey: { S: windowKey(caller, budgetName, windowStart) } },
    }),
  );
  return Number(item.Item?.count?.N ?? 0);
}

async function setCounter(caller: Caller, budgetName: string, count: number) {
  await table.client().send(
    new PutItemCommand({
      TableName: TABLE,
      Item: { windowKey: { S: windowKey(caller, budgetName, WINDOW_START) }, count: { N: String(count) } },
    }),
  );
}

async function chargeInSequence(charge: () => Promise<boolean>, times: number) {
  let admitted = 0;
  for (let i = 0; i < times; i++) if (await charge()) admitted += 1;
  return admitted;
}

describe('counter leases', () => {
  it('takes limit/50 tokens in one update and serves the next requests of the window with no I/O', async () => {
    // Prepare: 500 a minute, leases of 10
    const { charge, updates } = instance({ now: T0 });
    const caller = freshCaller();
    const rate = { name: 'requests', limitPerMinute: 500 };
    // Act
    const firstTen = await chargeInSequence(() => charge(caller, rate), 10);
    const updatesAfterTen = updates();
    const eleventh = await charge(caller, rate);
    // Assess
    assert.equal(firstTen, 10);
    assert.equal(updatesAfterTen, 1, 'one update for ten requests');
    assert.equal(eleventh, true);
    assert.equal(updates(), 2, 'the eleventh takes the next lease');
    assert.equal(await counterOf(caller, 'requests'), 20, 'tokens are counted before they are used');
  });

  it('keeps small limits as they were: every request updates its counter by one', async () => {
    // Prepare: 99 a minute is under 2 × 50, so leases of one token
    const { charge, updates } = instance({ now: T0 });
    const caller = freshCaller();
    const rate = { name: 'requests', limitPerMinute: 99 };
    // Act
    const admitted = await chargeInSequence(() => charge(caller, rate), 5);
    // Assess
    assert.equal(admitted, 5);
    assert.equal(updates(), 5);
    assert.equal(await counterOf(caller, 'requests'), 5);
  });

  it('admits exactly the limit with one instance: when a full lease no longer fits, it takes single tokens', async () => {
    // Prepare: 151 a minute, leases of 3: 50 leases fill 150, the last token needs a single one
    const { charge } = instance({ now: T0 });
    const caller = freshCaller();
    const rate = { name: 'grant:g-151', limitPerMinute: 151 };
    // Act
    const admitted = await chargeInSequence(() => charge(caller, rate), 200);
    // Assess
    assert.equal(admitted, 151);
    assert.equal(await counterOf(caller, 'grant:g-151'), 151, 'refused attempts do not count');
  });

  it('admits exactly the limit with one instance when the counter starts just under it', async () => {
    // Prepare: another instance counted 248 of 250; a full lease (5) does not fit
    const { charge, updates } = instance({ now: T0 });
    const caller = freshCaller();
    await setCounter(caller, 'requests', 248);
    // Act
    const admitted = await chargeInSequence(
      () => charge(caller, { name: 'requests', limitPerMinute: 250 }),
      4,
    );
    // Assess: one refused lease, then single tokens only (2 admitted, 2 refused)
    assert.equal(admitted, 2);
    assert.equal(updates(), 5);
    assert.equal(await counterOf(caller, 'requests'), 250);
  });

  it('never admits more than the limit across instances, each holding a lease', async () => {
    // Prepare: three instances, 151 a minute, leases of 3
    const clock = { now: T0 };
    const instances = [instance(clock), instance(clock), instance(clock)];
    const caller = freshCaller();
    const rate = { name: 'requests', limitPerMinute: 151 };
    // Act: round robin, 100 requests each
    let admitted = 0;
    for (let i = 0; i < 300; i++) if (await instances[i % 3]?.charge(caller, rate)) admitted += 1;
    // Assess: at most the limit; each other instance strands at most one lease less one token
    assert.ok(admitted <= 151, `admitted ${admitted}`);
    assert.ok(admitted >= 151 - 2 * 2, `admitted ${admitted}`);
    assert.equal(await counterOf(caller, 'requests'), 151);
  });

  it('never carries a lease into the next window', async () => {
    // Prepare: a lease of 10, one used
    const clock = { now: T0 };
    const { charge, updates } = instance(clock);
    const caller = freshCaller();
    const rate = { name: 'requests', limitPerMinute: 500 };
    await charge(caller, rate);
    // Act
    clock.now = WINDOW_START + WINDOW_MS;
    const next = await charge(caller, rate);
    // Assess: the new window took its own lease
    assert.equal(next, true);
    assert.equal(updates(), 2);
    assert.equal(await counterOf(caller, 'requests', WINDOW_START + WINDOW_MS), 10);
    assert.equal(await counterOf(caller, 'requests'), 10);
  });

  it('drops tokens leased for a window that ended while their update was in flight', async () => {
    // Prepare: 100 a minute, leases of 2; the first lease is taken 1 ms before the window ends
    const clock = { now: WINDOW_START + WINDOW_MS - 1 };
    const { charge, updates, holdNext } = instance(clock);
    const caller = freshCaller();
    const rate = { name: 'requests', limitPerMinute: 100 };
    const held = holdNext();
    const late = charge(caller, rate);
    await held.applied;
    // Act: the next window starts and takes its own lease before the late answer arrives
    clock.now = WINDOW_START + WINDOW_MS + 1;
    const inNextWindow = await charge(caller, rate);
    held.release();
    const lateVerdict = await late;
    const fromLease = await charge(caller, rate);
    const updatesBefore = updates();
    const afterLease = await charge(caller, rate);
    // Assess: the next window had one kept token, not the late one too
    assert.deepEqual([lateVerdict, inNextWindow, fromLease, afterLease], [true, true, true, true]);
    assert.equal(updatesBefore, 2);
    assert.equal(updates(), 3, 'the late lease of the past window was not used in the next one');
  });

  it('lets only one of two racing requests take the last leased token', async () => {
    // Prepare: 100 a minute, leases of 2: one request leaves one token
    const { charge, updates } = instance({ now: T0 });
    const caller = freshCaller();
    const rate = { name: 'requests', limitPerMinute: 100 };
    await charge(caller, rate);
    // Act
    const racing = await Promise.all([charge(caller, rate), charge(caller, rate)]);
    // Assess: one took the token, the other leased two (one kept)
    assert.deepEqual(racing, [true, true]);
    assert.equal(updates(), 2);
    assert.equal(await counterOf(caller, 'requests'), 4);
  });

  it('uses every token of two leases taken side by side, each once', async () => {
    // Prepare: 100 a minute, leases of 2
    const { charge, updates } = instance({ now: T0 });
    const caller = freshCaller();
    const rate = { name: 'requests', limitPerMinute: 100 };
    // Act: two leases at once, each keeps one token; then two requests take them
    const racing = await Promise.all([charge(caller, rate), charge(caller, rate)]);
    const fromLeases = await chargeInSequence(() => charge(caller, rate), 2);
    const updatesAfter = updates();
    // Assess
    assert.deepEqual(racing, [true, true]);
    assert.equal(fromLeases, 2);
    assert.equal(updatesAfter, 2, 'both kept tokens were used with no I/O');
    assert.equal(await counterOf(caller, 'requests'), 4);
  });

  it('admits a request refused by the counter when a racing request of its caller leased the last tokens', async () => {
    // Prepare: 98 of 100 counted; two requests race, leases of 2
    const { charge } = instance({ now: T0 });
    const caller = freshCaller();
    await setCounter(caller, 'requests', 98);
    const rate = { name: 'requests', limitPerMinute: 100 };
    // Act: one leases the last two tokens; the other finds the counter full, then the kept token
    const racing = await Promise.all([charge(caller, rate), charge(caller, rate)]);
    const third = await charge(caller, rate);
    // Assess
    assert.deepEqual(racing, [true, true]);
    assert.equal(third, false);
    assert.equal(await counterOf(caller, 'requests'), 100);
  });

  it('fails closed with 503 when a lease cannot be taken', async () => {
    // Prepare: a port nobody listens on, a limit with leases of 20
    const limiter = makeDynamoRateLimiter({
      client: table.unreachableClient(),
      tableName: TABLE,
      timeoutMs: 1_000,
    });
    // Act
    const error = await limiter
      .charge(freshCaller(), [{ name: 'requests', limitPerMinute: 1_000 }], ampleBudget())
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    // Assess
    assert.ok(error instanceof BrokerError, `expected a BrokerError, got ${String(error)}`);
    assert.equal(error.status, 503);
    assert.equal(error.code, 'dependency_unavailable');
  });
});
