/**
 * Per-caller rate limits, shared by every Lambda instance through counters in a separate
 * DynamoDB table: the audit table stays append-only, so the one UpdateItem the broker may
 * send goes to this table only.
 *
 * Fixed one-minute windows: one item per caller, budget and window. Tokens are counted
 * there before they are used, in leases (counter-leases.ts): one conditional
 * `ADD count :n` takes n tokens only if they all fit under the limit, and the instance
 * serves the caller's next n - 1 requests of that window from memory, with no I/O. So
 * across all instances at most `limit` requests are admitted per caller, budget and
 * window. n is 1/50 of the limit, at least 1: with the default limits (60, 120, 60) n = 1
 * and every request updates its counter; a busy caller with a limit of 100,000 costs one
 * update per 2,000 requests. When a full lease no longer fits, the instance asks for
 * single tokens (`count < limit`) for the rest of the window, so one instance alone
 * admits exactly the limit. Tokens an instance still holds when the caller stops
 * coming to it are counted and never used: at most n - 1 (2 % of the budget) per
 * instance and window. A refused attempt does not count, so a caller that keeps
 * hammering is not locked out past the window. Every update gets its timeout from the
 * request budget, and one that fails fails closed (503): a lease only ever saves I/O.
 *
 * A caller found over a budget is remembered by this instance until the window ends, so
 * its next requests are refused with no I/O at all: a flood costs one or two refused
 * counter updates and one audit record per warm instance and window, not one per request.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type Budget, callTimeoutMs, withTimeout } from '../budget.js';
import { BrokerError, dependencyUnavailable } from '../errors.js';
import type { Caller } from '../grants/caller.js';
import type { RateBudget, RateLimited, RateLimiter, RateVerdict } from '../issuance/ports.js';
import { type LeaseWindow, makeCounterLeases } from './counter-leases.js';
import { makeOverLimitMemo } from './over-limit-memo.js';

export const WINDOW_MS = 60_000;
/** DynamoDB's TTL sweeps lazily; the grace only keeps a live window from vanishing early. */
const EXPIRY_GRACE_SECONDS = 300;

export interface DynamoRateLimiterOptions {
  client: DynamoDBClient;
  tableName: string;
  timeoutMs: number;
  now?: () => number;
}

/**
 * `{callerKey}#{budget}#{windowStart}`: budget names are `requests`, `audit` or
 * `grant:{id}` (grant ids are `[a-z0-9-]`) and the window is digits, so the last two fields
 * are unambiguous even when an OIDC caller key holds a `#`.
 */
export const windowKey = (caller: Caller, budgetName: string, windowStartMs: number) =>
  `${caller.key}#${budgetName}#${windowStartMs}`;

export function makeDynamoRateLimiter(options: DynamoRateLimiterOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const memo = makeOverLimitMemo();
  const leases = makeCounterLeases();
  /** One verdict for every admitted request, shared: frozen, so no caller can change it for the others. */
  const admitted: Readonly<RateVerdict> = Object.freeze({ over: false });

  /** Counts `tokens` in the window's item if they all fit under the limit; false if not. */
  async function count(
    caller: Caller,
    rate: RateBudget,
    window: LeaseWindow,
    tokens: number,
    budget: Budget,
  ) {
    const callMs = callTimeoutMs(budget, options.timeoutMs, 'rate limit');
    try {
      await withTimeout(callMs, (abortSignal) =>
        options.client.send(
          new UpdateItemCommand({
            TableName: options.tableName,
            Key: { windowKey: { S: windowKey(caller, rate.name, window.windowStart) } },
            UpdateExpression: 'ADD #count :tokens SET #expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(#count) OR #count <= :ceiling',
            ExpressionAttributeNames: { '#count': 'count', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: {
              ':tokens': { N: String(tokens) },
              ':ceiling': { N: String(rate.limitPerMinute - tokens) },
              ':expiresAt': { N: String(Math.floor(window.windowEnd / 1000) + EXPIRY_GRACE_SECONDS) },
            },
          }),
          { abortSignal },
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async function chargeOne(caller: Caller, rate: RateBudget, budget: Budget): Promise<RateVerdict> {
    const at = now();
    const windowStart = at - (at % WINDOW_MS);
    const window = {
      callerKey: caller.key,
      budgetName: rate.name,
      windowStart,
      windowEnd: windowStart + WINDOW_MS,
    };
    if (leases.take(window, at)) return admitted;
    const size = leases.sizeFor(window, rate.limitPerMinute, at);
    try {
      if (size > 1) {
        if (await count(caller, rate, window, size, budget)) {
          leases.add(window, size - 1, now());
          return admitted;
        }
        leases.markFull(window, now());
      }
      if (await count(caller, rate, window, 1, budget)) return admitted;
    } catch (error) {
      if (error instanceof BrokerError) throw error;
      // Fail closed: a broker that mints without its limit when the counter is down
      // becomes a weapon to exhaust the account's shared STS quota (and to mint at will).
      throw dependencyUnavailable(
        'rate limit',
        `UpdateItem: ${error instanceof Error ? error.name : 'unknown error'}`,
        error,
      );
    }
    // The counter is full, but a racing request of this caller may have leased tokens
    // meanwhile: use one rather than strand it.
    if (leases.take(window, now())) return admitted;
    memo.remember(caller.key, rate.name, window.windowEnd, at);
    return overVerdict(rate.name, window.windowEnd - now(), false);
  }

  return {
    knownOver(caller, rates) {
      const at = now();
      for (const rate of rates) {
        const until = memo.overUntil(caller.key, rate.name, at);
        if (until !== undefined) return overVerdict(rate.name, until - at, true);
      }
      return undefined;
    },
    async charge(caller, rates, budget) {
      // The budgets side by side: none, one or (a full lease refused) two round trips in
      // sequence, whatever their number.
      const verdicts = await Promise.all(rates.map((rate) => chargeOne(caller, rate, budget)));
      return verdicts.find((verdict) => verdict.over) ?? admitted;
    },
  };
}

const overVerdict = (budgetName: string, remainingMs: number, known: boolean): RateLimited => ({
  over: true,
  budget: budgetName,
  retryAfterSeconds: Math.max(1, Math.ceil(remainingMs / 1000)),
  known,
});
