/**
 * GET /v1/grants: the grants of the running configuration with their last scheduled
 * check (auditors only). External ids stay in the configuration: only whether one is set.
 */
import * as z from 'zod';
import { callerRef, durationSeconds, grantId, provider } from './fields.js';
import { defineRoute } from './route.js';

export const lastCheck = z.object({
  at: z.string().describe('ISO 8601 time of the newest VERIFY record'),
  status: z.enum(['ok', 'failed']),
  reason: z.string().describe('`ok`, or the failure code'),
  detail: z.string().optional(),
  checkId: z.string().describe('issuanceId of the VERIFY record'),
});

export type LastCheckBody = z.infer<typeof lastCheck>;

export const grantSummary = z.object({
  id: grantId,
  description: z.string().optional(),
  provider,
  role: z.string().describe('Role ARN (AWS) or TRN (Volcengine)'),
  disabled: z.boolean(),
  callers: z.array(callerRef),
  defaultDurationSeconds: durationSeconds,
  maxDurationSeconds: durationSeconds.nullable(),
  ceilingPolicy: z.boolean().describe('Whether the grant has a ceiling policy'),
  externalId: z.boolean().describe('Whether an ExternalId is sent (the value is not shown)'),
  sessionTags: z.array(z.string()).describe('Session tag keys'),
  lastCheck: lastCheck.nullable().describe('From the newest VERIFY record of the last 30 days'),
});

export type GrantSummaryBody = z.infer<typeof grantSummary>;

export const grantsList = z.object({
  grants: z.array(grantSummary),
  deniedCallers: z.array(callerRef),
});

export type GrantsListBody = z.infer<typeof grantsList>;

export const listGrantsContract = defineRoute({
  operationId: 'listGrants',
  method: 'GET',
  path: '/v1/grants',
  summary: 'Grants of the running configuration with their last scheduled check (auditors only)',
  description: 'Non-auditors get 403.',
  request: {},
  responses: { 200: { description: 'Grants and their last check', schema: grantsList } },
  problems: { 403: ['not_allowed'], 429: ['rate_limited'], 503: ['dependency_unavailable'] },
});
