// POST /v1/credentials (IAM callers) and POST /v1/oidc/credentials (JWT callers).
import { ulid } from 'ulid';
import { httpHandler } from '../../lib/http/handler.js';
import { makeIssueCredentials } from '../../lib/issuance/issue-credentials.js';
import { makeMetrics, metricsMiddleware } from '../../lib/observability/metrics.js';
import { auditStore, rateLimiter } from '../shared/dynamodb.js';
import { allowList, config, httpOptions, logger } from '../shared/runtime.js';
import { issuers } from '../shared/sts.js';
import { issueCredentialsRoute } from './route.js';

const metrics = makeMetrics({ stage: config.stage, logger });

export const route = issueCredentialsRoute(
  makeIssueCredentials({
    allowList,
    audit: auditStore,
    issuers,
    newIssuanceId: ulid,
    clock: () => new Date(),
    roleChaining: config.roleChaining,
    metrics: metrics.issuance,
    rateLimiter,
    onAuditGap: (issuanceId, error) =>
      logger.error('FAILED record not written; INTENT stays unconfirmed', {
        issuanceId,
        error: error instanceof Error ? error.name : 'unknown',
      }),
  }),
);

/** The shared options plus the per-request EMF flush (also used by the local-stage twin). */
export const issueHttpOptions = { ...httpOptions, middlewares: [metricsMiddleware(metrics)] };

export const handler = httpHandler(route, issueHttpOptions);
