// GET /v1/issuances and GET /v1/issuances/{id} (auditors only).
import { makeCursorSealer } from '../../lib/audit/cursor.js';
import { makeDynamoAuditReader } from '../../lib/audit/dynamodb-reader.js';
import { requireCursorKeyParameter } from '../../lib/config/env.js';
import { cursorKeyProblem, requiredSecret } from '../../lib/config/secrets.js';
import { refreshSecrets } from '../../lib/http/refresh-secrets.js';
import { admitAuditor } from '../shared/audit-gate.js';
import { dynamodbClient } from '../shared/dynamodb.js';
import { config, httpOptions } from '../shared/runtime.js';
import { secretStore } from '../shared/secrets.js';
import { type AuditQueryPorts, makeHandler } from './compose.js';

// Read before each request (the first one included), not at import: no readable, valid key
// (or the dev key outside `local`), no audit query answered.
const cursorKey = requiredSecret(
  secretStore,
  requireCursorKeyParameter(config),
  cursorKeyProblem(config.stage),
);

export const ports: AuditQueryPorts = {
  reader: makeDynamoAuditReader({
    client: dynamodbClient,
    tableName: config.auditTable,
    timeoutMs: config.dynamodb.timeoutMs,
  }),
  cursors: makeCursorSealer(() => cursorKey.value),
  clock: () => new Date(),
  admitAuditor,
};

/** The shared options plus the per-request key refresh (also used by the local-stage twin). */
export const http = { ...httpOptions, middlewares: [refreshSecrets(cursorKey)] };

export const handler = makeHandler(ports, http);
