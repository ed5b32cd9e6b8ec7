/**
 * Per-caller issuance rate limit (invariant 13), shared by every Lambda instance through
 * a counter in a separate DynamoDB table: the audit table stays append-only (invariant 9),
 * so the one UpdateItem the broker may send goes to this table only.
 *
 * Fixed one-minute windows: one item per caller, grant and window, incremented with
 * `ADD count 1` under the condition that it is still below the limit. A refused attempt
 * does not count, so a caller that keeps hammering is not locked out past the window.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type Budget, callTimeoutMs } from '../budget.js';
import { BrokerError, dependencyUnavailable, rateLimited } from '../errors.js';
import type { Caller } from '../grants/caller.js';
import type { RateLimiter } from '../issuance/ports.js';

export const WINDOW_MS = 60_000;
/** DynamoDB's TTL sweeps lazily; the grace only keeps a live window from vanishing early. */
const EXPIRY_GRACE_SECONDS = 300;

export interface DynamoRateLimiterOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Applies when the grant sets no rateLimitPerMinute. */
  defaultLimitPerMinute: number;
  timeoutMs: number;
  now?: () => number;
}

/**
 * `{callerKey}#{grantId}#{windowStart}`: grant ids are `[a-z0-9-]` and the window is
 * digits, so the last two fields are unambiguous even when an OIDC caller key holds a `#`.
 */
export const windowKey = (caller: Caller, grantId: string, windowStartMs: number) =>
  `${caller.key}#${grantId}#${windowStartMs}`;

export function makeDynamoRateLimiter(options: DynamoRateLimiterOptions): RateLimiter {
  const now = options.now ?? Date.now;
  return {
    async consume(caller: Caller, grantId: string, limitPerMinute: number | undefined, budget: Budget) {
      const limit = limitPerMinute ?? options.defaultLimitPerMinute;
      const at = now();
      const windowStart = at - (at % WINDOW_MS);
      const windowEnd = windowStart + WINDOW_MS;
      const abortSignal = AbortSignal.timeout(callTimeoutMs(budget, options.timeoutMs, 'rate limit'));
      try {
        await options.client.send(
          new UpdateItemCommand({
            TableName: options.tableName,
            Key: { windowKey: { S: windowKey(caller, grantId, windowStart) } },
            UpdateExpression: 'ADD #count :one SET #expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            ExpressionAttributeNames: { '#count': 'count', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: {
              ':one': { N: '1' },
              ':limit': { N: String(limit) },
              ':expiresAt': { N: String(Math.floor(windowEnd / 1000) + EXPIRY_GRACE_SECONDS) },
            },
          }),
          { abortSignal },
        );
      } catch (error) {
        if (error instanceof BrokerError) throw error;
        if (error instanceof ConditionalCheckFailedException) {
          throw rateLimited(Math.max(1, Math.ceil((windowEnd - now()) / 1000)));
        }
        // Fail closed: a broker that mints without its limit when the counter is down
        // becomes a weapon to exhaust the account's shared STS quota (and to mint at will).
        throw dependencyUnavailable(
          'rate limit',
          `UpdateItem: ${error instanceof Error ? error.name : 'unknown error'}`,
          error,
        );
      }
    },
  };
}
