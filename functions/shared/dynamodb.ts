/**
 * The DynamoDB client and the stores on it, built once per cold start. The endpoint comes
 * from AWS_ENDPOINT_URL_DYNAMODB when set (the local stack): no endpoint branches here.
 * Timeouts are per call, from the request budget.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { makeDynamoAuditStore } from '../../lib/audit/dynamodb-store.js';
import { makeDynamoRateLimiter } from '../../lib/ratelimit/dynamodb-rate-limiter.js';
import { config } from './runtime.js';

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
  timeoutMs: config.dynamodb.timeoutMs,
});
