/**
 * GET /v1/health: a round trip through STS GetCallerIdentity and the audit table, so
 * "healthy" means "can issue", not merely "the Lambda started".
 */
import * as z from 'zod';
import { defineRoute } from './route.js';

export const healthReport = z.object({
  status: z.literal('ok'),
  version: z.string(),
  identity: z.object({ arn: z.string(), account: z.string() }).describe('Who the broker runs as'),
  table: z.object({ name: z.string(), status: z.literal('ok') }),
});

export type HealthReportBody = z.infer<typeof healthReport>;

export const healthContract = defineRoute({
  operationId: 'health',
  method: 'GET',
  path: '/v1/health',
  summary: 'Round trip through STS GetCallerIdentity and the audit table',
  request: {},
  responses: { 200: { description: 'Healthy', schema: healthReport } },
  problems: { 503: ['dependency_unavailable'] },
});
