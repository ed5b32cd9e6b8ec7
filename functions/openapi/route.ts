import * as z from 'zod';
import type { Route } from '../../lib/http/handler.js';
import { buildOpenApi, type OpenApiOperation } from '../../lib/http/openapi.js';
import { auditQueryOperations } from '../audit-query/openapi.js';
import { issuedResponseSchema, issueRequestSchema } from '../issue-credentials/schema.js';

export const operations: OpenApiOperation[] = [
  {
    method: 'post',
    path: '/v1/credentials',
    summary: 'Issue short-lived credentials for a granted role',
    description:
      'The caller is taken from the authorizer only. `dryRun: true` answers 200 with the decision and nothing minted. OIDC callers use POST /v1/oidc/credentials.',
    requestBody: issueRequestSchema,
    responses: {
      '201': { description: 'Credentials issued', schema: issuedResponseSchema },
      '200': { description: 'Dry run: the decision, the bounded duration and the session policy' },
    },
  },
  {
    method: 'get',
    path: '/v1/health',
    summary: 'Round trip through STS GetCallerIdentity and the audit table',
    responses: {
      '200': {
        description: 'Healthy',
        schema: z.object({
          status: z.literal('ok'),
          version: z.string(),
          identity: z.object({ arn: z.string(), account: z.string() }),
          table: z.object({ name: z.string(), status: z.literal('ok') }),
        }),
      },
    },
  },
  {
    method: 'get',
    path: '/v1/grants',
    summary: 'Grants of the running configuration with their last scheduled check (auditors only)',
    description:
      'Each grant with provider, role, disabled flag, callers, durations, and `lastCheck` ({at, status ok|failed, reason}) from the newest VERIFY record of the last 30 days; also the deniedCallers. Non-auditors get 403.',
    responses: { '200': { description: 'Grants and their last check' } },
  },
  {
    method: 'get',
    path: '/v1/openapi.json',
    summary: 'This document',
    responses: { '200': { description: 'OpenAPI 3.1' } },
  },
  ...auditQueryOperations,
];

export function openApiRoute(version: string, extra: OpenApiOperation[] = []): Route {
  const document = buildOpenApi({ version }, [...operations, ...extra]);
  return { name: 'openapi', handle: async () => ({ status: 200, body: document }) };
}
