// GET /v1/health
import { httpHandler } from '../../lib/http/handler.js';
import { makeAwsIdentityProbe } from '../../lib/providers/aws-sts.js';
import { auditStore } from '../shared/dynamodb.js';
import { config, httpOptions } from '../shared/runtime.js';
import { stsClient } from '../shared/sts.js';
import { healthRoute } from './route.js';

export const route = healthRoute({
  identity: makeAwsIdentityProbe({ client: stsClient, timeoutMs: config.sts.timeoutMs }),
  audit: auditStore,
  version: config.version,
  table: config.auditTable,
});

export const handler = httpHandler(route, httpOptions);
