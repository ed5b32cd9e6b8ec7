// GET /v1/health
import type { HealthDeps } from '../../lib/observability/health-route.js';
import { makeAwsIdentityProbe } from '../../lib/providers/aws-sts.js';
import { auditStore } from '../shared/dynamodb.js';
import { config, httpOptions } from '../shared/runtime.js';
import { stsClient } from '../shared/sts.js';
import { makeHandler } from './compose.js';

export const ports: HealthDeps = {
  identity: makeAwsIdentityProbe({ client: stsClient, timeoutMs: config.sts.timeoutMs }),
  audit: auditStore,
  version: config.version,
  table: config.auditTable,
};

export const handler = makeHandler(ports, httpOptions);
