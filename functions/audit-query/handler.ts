// GET /v1/issuances and GET /v1/issuances/{id} (auditors only).
import { makeCursorSealer } from '../../lib/audit/cursor.js';
import { makeDynamoAuditReader } from '../../lib/audit/dynamodb-reader.js';
import { makeAuditQueries } from '../../lib/audit/queries.js';
import { requireCursorKey } from '../../lib/config/env.js';
import { httpHandler } from '../../lib/http/handler.js';
import { dynamodbClient } from '../shared/dynamodb.js';
import { allowList, config, httpOptions, logger } from '../shared/runtime.js';
import { auditQueryRoute } from './route.js';

export const route = auditQueryRoute({
  queries: makeAuditQueries({
    reader: makeDynamoAuditReader({
      client: dynamodbClient,
      tableName: config.auditTable,
      timeoutMs: config.dynamodb.timeoutMs,
    }),
    // Fails the cold start of a deployed stage that was given no key.
    cursors: makeCursorSealer(requireCursorKey(config)),
    clock: () => new Date(),
  }),
  allowList,
  logger,
});

export const handler = httpHandler(route, httpOptions);
