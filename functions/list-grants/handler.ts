// GET /v1/grants (auditors only) and GET /v1/grants/mine (any caller), with their /v1/oidc/ twins.
import { makeDynamoAuditReader } from '../../lib/audit/dynamodb-reader.js';
import { admitAuditor } from '../shared/audit-gate.js';
import { dynamodbClient, rateLimiter } from '../shared/dynamodb.js';
import { allowList, config, grantsFile, httpOptions } from '../shared/runtime.js';
import { type ListGrantsPorts, makeHandler } from './compose.js';

export const ports: ListGrantsPorts = {
  allowList,
  admitAuditor,
  // The grants file loaded once at cold start, the same one the allow-list was built from.
  deniedCallers: grantsFile.deniedCallers,
  reader: makeDynamoAuditReader({
    client: dynamodbClient,
    tableName: config.auditTable,
    timeoutMs: config.dynamodb.timeoutMs,
  }),
  clock: () => new Date(),
  mine: {
    allowList,
    rateLimiter,
    requestsPerMinute: config.rateLimit.requestsPerMinute,
    roleChaining: config.roleChaining,
  },
};

export const handler = makeHandler(ports, httpOptions);
