// POST /v1/credentials (IAM callers) and POST /v1/oidc/credentials (JWT callers).
import { newRecordId } from '../../lib/ids.js';
import type { IssueDeps } from '../../lib/issuance/issue-credentials.js';
import { logAuditGaps } from '../../lib/observability/audit-gap.js';
import { makeMetrics, metricsMiddleware } from '../../lib/observability/metrics.js';
import { auditStore, rateLimiter } from '../shared/dynamodb.js';
import { issuers } from '../shared/issuers.js';
import { allowList, config, httpOptions, logger } from '../shared/runtime.js';
import { makeHandler } from './compose.js';

const metrics = makeMetrics({ stage: config.stage, logger });

export const ports: IssueDeps = {
  allowList,
  audit: auditStore,
  issuers,
  rateLimiter,
  rateLimits: {
    requestsPerMinute: config.rateLimit.requestsPerMinute,
    issuancesPerMinute: config.rateLimit.perMinute,
  },
  metrics: metrics.issuance,
  newIssuanceId: newRecordId,
  clock: () => new Date(),
  onAuditGap: logAuditGaps(logger),
  roleChaining: config.roleChaining,
};

/** The shared options plus the per-request EMF flush (also used by the local-stage twin). */
export const http = { ...httpOptions, middlewares: [metricsMiddleware(metrics)] };

export const handler = makeHandler(ports, http);
