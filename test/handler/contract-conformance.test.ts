/**
 * What the routes answer matches their contracts exactly: each success body parses with
 * the schema its contract gives that status and loses nothing in parsing (no field the
 * contract does not name), and each refusal is a problem body whose code the contract lists
 * under that status. The clients accept nothing else, so a drift here would break them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type * as z from 'zod';
import { makeHandler } from '../../functions/issue-credentials/compose.js';
import { makeHandler as makeListGrantsHandler } from '../../functions/list-grants/compose.js';
import { ROUTE_CONTRACTS } from '../../lib/contracts/index.js';
import { issueCredentialsContract } from '../../lib/contracts/issue-credentials.js';
import { listMyGrantsContract } from '../../lib/contracts/list-my-grants.js';
import { openApiContract } from '../../lib/contracts/openapi.js';
import { COMMON_PROBLEMS, type ProblemStatus, problemBodyWithCodes } from '../../lib/contracts/problem.js';
import type { RouteContract } from '../../lib/contracts/route.js';
import { makeAllowList } from '../../lib/grants/allow-list.js';
import { httpHandler } from '../../lib/http/handler.js';
import { openApiRoutes } from '../../lib/http/openapi.js';
import { openApiRoute } from '../../lib/http/openapi-document.js';
import { auditGateOnFakes } from '../support/audit-gate.js';
import {
  FakeAuditStore,
  FakeIssuer,
  FakeRateLimiter,
  noMetrics,
  noRateLimit,
  TEST_RATE_LIMITS,
  type Timeline,
} from '../support/fakes.js';
import { REPORTS_ROLE, STRANGER, sampleGrantsFile } from '../support/grants.js';
import { buildContext, buildEvent, CALLER_ASSUMED_ROLE_ARN, iamAuthorizer } from '../support/lambda.js';
import { silentLogger } from '../support/logs.js';

function issueHandler() {
  const timeline: Timeline = [];
  let issuances = 0;
  const handler = makeHandler(
    {
      allowList: makeAllowList(sampleGrantsFile()),
      audit: new FakeAuditStore(timeline),
      issuers: { aws: new FakeIssuer('aws', timeline), volcengine: new FakeIssuer('volcengine', timeline) },
      newIssuanceId: () => {
        issuances += 1;
        return `01JGZ8Q6Y3K4M5N6P7Q8R9S0${String(issuances).padStart(2, '0')}`;
      },
      clock: () => new Date('2025-01-01T00:00:00.000Z'),
      roleChaining: true,
      rateLimiter: noRateLimit,
      rateLimits: TEST_RATE_LIMITS,
      metrics: noMetrics,
      onAuditGap: () => {},
    },
    { logger: silentLogger(), maxBodyBytes: 65_536 },
  );
  return (body: unknown, options: Parameters<typeof buildEvent>[0] = {}) =>
    handler(buildEvent({ body, ...options }), buildContext());
}

/** The body parses with `schema` and parsing drops or changes nothing. */
function assertExactly(schema: z.ZodType, body: unknown) {
  const parsed = schema.safeParse(body);
  assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
  assert.deepEqual(JSON.parse(JSON.stringify(parsed.data)), body);
}

function assertConforms(contract: RouteContract, response: APIGatewayProxyStructuredResultV2) {
  const status = response.statusCode ?? 0;
  const body = JSON.parse(response.body ?? 'null') as unknown;
  const success = contract.responses[status as 200 | 201];
  if (success) return assertExactly(success.schema, body);
  const codes = { ...COMMON_PROBLEMS, ...contract.problems }[status as ProblemStatus];
  assert.ok(codes, `${contract.operationId} never answers ${status}`);
  assertExactly(problemBodyWithCodes(codes), body);
}

describe('route answers match their contracts', () => {
  it('POST /v1/credentials: the 201, the dry-run 200 and each refusal', async () => {
    // Prepare
    const post = issueHandler();
    const narrow = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports-bucket/2025/*' },
      ],
    };
    // Act
    const responses = [
      await post({ grant: 'reports-reader', durationSeconds: 1800 }),
      await post({ grant: 'reports-reader', policy: narrow, dryRun: true }),
      await post({ grant: 'tos-reader', dryRun: true }),
      await post({ grant: 'reports-reader', durationSeconds: 99_999 }),
      await post({ grant: 'reports-reader', externalId: 'mine' }),
      await post({ roleArn: REPORTS_ROLE }, { authorizer: iamAuthorizer(STRANGER) }),
      await post({
        grant: 'reports-reader',
        policy: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      }),
    ];
    // Assess
    assert.deepEqual(
      responses.map((response) => response.statusCode),
      [201, 200, 200, 400, 400, 403, 400],
    );
    for (const response of responses) assertConforms(issueCredentialsContract, response);
  });

  it('GET /v1/grants/mine: the grants, an empty list, and each refusal', async () => {
    // Prepare
    const grantsFile = sampleGrantsFile();
    const allowList = makeAllowList(grantsFile);
    const rateLimiter = new FakeRateLimiter();
    const handler = makeListGrantsHandler(
      {
        allowList,
        admitAuditor: auditGateOnFakes({ allowList }).admitAuditor,
        deniedCallers: grantsFile.deniedCallers,
        reader: { queryIndex: async () => ({ items: [] }), issuanceRecords: async () => [] },
        clock: () => new Date('2025-01-01T00:00:00.000Z'),
        mine: { allowList, rateLimiter, requestsPerMinute: 120, roleChaining: true },
      },
      { logger: silentLogger(), maxBodyBytes: 1024 },
    );
    const get = (as: string, queryStringParameters?: Record<string, string>) =>
      handler(
        buildEvent({
          method: 'GET',
          path: '/v1/grants/mine',
          authorizer: iamAuthorizer(as),
          queryStringParameters,
        }),
        buildContext(),
      );
    // Act
    const responses = [
      await get(CALLER_ASSUMED_ROLE_ARN),
      await get(STRANGER),
      await get(STRANGER, { all: '1' }),
    ];
    rateLimiter.over.add('requests');
    responses.push(await get(CALLER_ASSUMED_ROLE_ARN));
    // Assess
    assert.deepEqual(
      responses.map((response) => response.statusCode),
      [200, 200, 400, 429],
    );
    for (const response of responses) assertConforms(listMyGrantsContract, response);
  });

  it('GET /v1/openapi.json: the document', async () => {
    // Prepare
    const handler = httpHandler(openApiRoute('9.9.9', openApiRoutes(ROUTE_CONTRACTS)), {
      logger: silentLogger(),
      maxBodyBytes: 1024,
    });
    // Act
    const response = await handler(buildEvent({ method: 'GET', path: '/v1/openapi.json' }), buildContext());
    // Assess
    assert.equal(response.statusCode, 200);
    assertConforms(openApiContract, response);
  });
});
