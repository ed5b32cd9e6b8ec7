/**
 * GET /v1/grants/mine: the grants the authenticated caller may use, as issuance applies them:
 * role, effective durations, and the ceiling policy its requests must lie inside. Never the
 * external id, the other callers of a grant, or the values of session tags (which may be
 * derived from other identities): those stay in the configuration.
 */
import * as z from 'zod';
import { durationSeconds } from './fields.js';
import { DURATION_BOUNDS } from './limits.js';
import { grantSummary } from './list-grants.js';
import { defineRoute } from './route.js';

export const myGrant = grantSummary
  .pick({ id: true, description: true, provider: true, role: true, sessionTags: true })
  .extend({
    minDurationSeconds: durationSeconds.describe('The shortest session the provider issues'),
    defaultDurationSeconds: durationSeconds.describe('What a request without durationSeconds gets'),
    maxDurationSeconds: durationSeconds.describe(
      'The longest session a request may ask for: the lowest of the grant, role, role-chaining and provider limits',
    ),
    maxDurationSetBy: z.enum(DURATION_BOUNDS).describe('Which limit set `maxDurationSeconds`'),
    ceilingPolicy: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe(
        'The ceiling policy: a request policy must lie inside it, and it is sent when the request has none',
      ),
  });

export type MyGrantBody = z.infer<typeof myGrant>;

export const myGrantsList = z.object({
  grants: z.array(myGrant).describe('Empty when no enabled grant names the caller'),
});

export type MyGrantsListBody = z.infer<typeof myGrantsList>;

export const listMyGrantsContract = defineRoute({
  operationId: 'listMyGrants',
  method: 'GET',
  path: '/v1/grants/mine',
  summary: "The caller's own grants: role, durations, ceiling policy",
  description:
    'Any authenticated caller. Lists exactly the grants POST /v1/credentials would accept by id for this caller: ' +
    'a disabled grant, or a caller on the kill switch, lists nothing. No grant is not a refusal: 200 with an empty list.',
  request: { query: z.strictObject({}) },
  responses: { 200: { description: "The caller's grants", schema: myGrantsList } },
  problems: { 400: ['invalid_request'], 429: ['rate_limited'], 503: ['dependency_unavailable'] },
});
