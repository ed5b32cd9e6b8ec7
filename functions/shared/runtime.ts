/**
 * Module-scope dependencies shared by the function entry points: built once per cold
 * start, validated before the first request (a bad config or grants file fails the cold
 * start, not a request halfway through).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { makeDynamoAuditStore } from '../../lib/audit/dynamodb-store.js';
import { loadConfig } from '../../lib/config/env.js';
import { loadGrants } from '../../lib/config/grants.js';
import { makeAllowList } from '../../lib/grants/allow-list.js';
import { makeLogger } from '../../lib/observability/logger.js';
import { makeAwsIssuer } from '../../lib/providers/aws-sts.js';
import type { Issuers } from '../../lib/providers/issuer.js';
import { makeVolcengineIssuer } from '../../lib/providers/volcengine-sts.js';
import { makeDynamoRateLimiter } from '../../lib/ratelimit/dynamodb-rate-limiter.js';

export const config = loadConfig(process.env);
export const logger = makeLogger();
export const allowList = makeAllowList(loadGrants(config.grantsFile));

// Endpoints come from AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_DYNAMODB when set (the
// local stack): no endpoint branches here. Timeouts are per call, from the request budget.
export const stsClient = new STSClient({ region: config.region, maxAttempts: config.sts.maxAttempts });
export const dynamodbClient = new DynamoDBClient({
  region: config.region,
  maxAttempts: config.dynamodb.maxAttempts,
});

export const auditStore = makeDynamoAuditStore({
  client: dynamodbClient,
  tableName: config.auditTable,
  timeoutMs: config.dynamodb.timeoutMs,
});

export const rateLimiter = makeDynamoRateLimiter({
  client: dynamodbClient,
  tableName: config.rateLimit.table,
  defaultLimitPerMinute: config.rateLimit.perMinute,
  timeoutMs: config.dynamodb.timeoutMs,
});

export const issuers: Issuers = {
  aws: makeAwsIssuer({ client: stsClient, timeoutMs: config.sts.timeoutMs }),
  ...(config.volcengine
    ? { volcengine: makeVolcengineIssuer({ ...config.volcengine, requestTimeoutMs: config.sts.timeoutMs }) }
    : {}),
};

export const httpOptions = { logger, maxBodyBytes: config.maxBodyBytes };
