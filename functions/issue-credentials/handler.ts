// POST /v1/credentials (IAM callers) and POST /v1/oidc/credentials (JWT callers).
import { ulid } from 'ulid';
import { httpHandler } from '../../lib/http/handler.js';
import { makeIssueCredentials } from '../../lib/issuance/issue-credentials.js';
import { allowList, auditStore, config, httpOptions, issuers, logger } from '../shared/runtime.js';
import { issueCredentialsRoute } from './route.js';

export const route = issueCredentialsRoute(
  makeIssueCredentials({
    allowList,
    audit: auditStore,
    issuers,
    newIssuanceId: ulid,
    clock: () => new Date(),
    roleChaining: config.roleChaining,
    onAuditGap: (issuanceId, error) =>
      logger.error('FAILED record not written; INTENT stays unconfirmed', {
        issuanceId,
        error: error instanceof Error ? error.name : 'unknown',
      }),
  }),
);

export const handler = httpHandler(route, httpOptions);
