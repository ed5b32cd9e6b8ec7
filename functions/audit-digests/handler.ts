// GET /v1/audit/digests (auditors only): the signed digests of the sealed audit windows.
import { makeDynamoDigestStore } from '../../lib/audit/digest/dynamodb-digest-store.js';
import { admitAuditor } from '../shared/audit-gate.js';
import { dynamodbClient } from '../shared/dynamodb.js';
import { config, httpOptions } from '../shared/runtime.js';
import { type AuditDigestsPorts, makeHandler } from './compose.js';

export const ports: AuditDigestsPorts = {
  store: makeDynamoDigestStore({
    client: dynamodbClient,
    tableName: config.auditTable,
    timeoutMs: config.dynamodb.timeoutMs,
  }),
  admitAuditor,
};

export const handler = makeHandler(ports, httpOptions);
