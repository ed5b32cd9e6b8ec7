// GET /v1/grants (auditors only).
import { makeDynamoAuditReader } from '../../lib/audit/dynamodb-reader.js';
import { loadGrants } from '../../lib/config/grants.js';
import { httpHandler } from '../../lib/http/handler.js';
import { dynamodbClient } from '../shared/dynamodb.js';
import { allowList, config, httpOptions } from '../shared/runtime.js';
import { listGrantsRoute, makeLatestChecks } from './route.js';

export const route = listGrantsRoute({
  allowList,
  // The same file the allow-list was built from, validated the same way at cold start.
  deniedCallers: loadGrants(config.grantsFile).deniedCallers,
  latestChecks: makeLatestChecks(
    makeDynamoAuditReader({
      client: dynamodbClient,
      tableName: config.auditTable,
      timeoutMs: config.dynamodb.timeoutMs,
    }),
    { clock: () => new Date() },
  ),
});

export const handler = httpHandler(route, httpOptions);
