/**
 * Per-caller rate limits, shared by every Lambda instance through counters in a separate
 * DynamoDB table: the audit table stays append-only, so the one UpdateItem the broker may
 * send goes to this table only.
 *
 * Fixed one-minute windows: one item per caller, budget and window, incremented with
 * `ADD count 1` under the condition that it is still below the limit. A refused attempt
 * does not count, so a caller that keeps hammering is not locked out past the window.
 *
 * A caller found over a budget is remembered by this instance until the window ends, so
 * its next requests are refused with no I/O at all: a flood costs one counter update and
 * one audit record per warm instance and window, not one per request.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type Budget, callTimeoutMs } from '../budget.js';
import { BrokerError, dependencyUnavailable } from '../errors.js';
import type { Caller } from '../grants/caller.js';
import type { RateBudget, RateLimited, RateLimiter, RateVerdict } from '../issuance/ports.js';
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

  async function chargeOne(caller: Caller, rate: RateBudget, budget: Budget): Promise<RateVerdict> {
    const at = now();
    const windowStart = at - (at % WINDOW_MS);
    const windowEnd = windowStart + WINDOW_MS;
    const abortSignal = AbortSignal.timeout(callTimeoutMs(budget, options.timeoutMs, 'rate limit'));
    try {
      await options.client.send(
        new UpdateItemCommand({
          TableName: options.tableName,
          Key: { windowKey: { S: windowKey(caller, rate.name, windowStart) } },
          UpdateExpression: 'ADD #count :one SET #expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: {
            ':one': { N: '1' },
            ':limit': { N: String(rate.limitPerMinute) },
            ':expiresAt': { N: String(Math.floor(windowEnd / 1000) + EXPIRY_GRACE_SECONDS) },
          },
        }),
        { abortSignal },
      );
      return { over: false };
    } catch (error) {
      if (error instanceof BrokerError) throw error;
      if (error instanceof ConditionalCheckFailedException) {
        memo.remember(caller.key, rate.name, windowEnd, at);
        return overVerdict(rate.name, windowEnd - now(), false);
      }
      // Fail closed: a broker that mints without its limit when the counter is down
      // becomes a weapon to exhaust the account's shared STS quota (and to mint at will).
      throw dependencyUnavailable(
        'rate limit',
        `UpdateItem: ${error instanceof Error ? error.name : 'unknown error'}`,
        error,
      );
    }
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
      // One round trip whatever the number of budgets: the updates run side by side.
      const verdicts = await Promise.all(rates.map((rate) => chargeOne(caller, rate, budget)));
      return verdicts.find((verdict) => verdict.over) ?? { over: false };
    },
  };
}

const overVerdict = (budgetName: string, remainingMs: number, known: boolean): RateLimited => ({
  over: true,
  budget: budgetName,
  retryAfterSeconds: Math.max(1, Math.ceil(remainingMs / 1000)),
  known,
});
