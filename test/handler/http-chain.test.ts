import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { dependencyUnavailable, durationOutOfRange } from '../../lib/errors.js';
import type { Caller } from '../../lib/grants/caller.js';
import { httpHandler, type Route, type RouteInput } from '../../lib/http/handler.js';
import type { RequestFacts } from '../../lib/http/request-facts.js';
import type { BrokerLogger } from '../../lib/observability/logger.js';
import {
  buildContext,
  buildEvent,
  CALLER_ASSUMED_ROLE_ARN,
  iamAuthorizer,
  jwtAuthorizer,
} from '../support/lambda.js';
import { capturingLogger, silentLogger } from '../support/logs.js';

const MAX_BODY = 65_536;
const NOW = 1_735_689_600_000;

type EchoBody = { note?: string };
type EchoQuery = { verbose?: 'true' | 'false' };

/** A tiny route that records what the chain handed it and answers or fails as told. */
function echoRoute(
  behaviour: (input: RouteInput<EchoBody, EchoQuery>) => Promise<unknown> = async () => undefined,
) {
  const seen: {
    caller: Caller;
    body: EchoBody;
    query: EchoQuery;
    facts: RequestFacts;
    remainingMs: number;
  }[] = [];
  const route: Route<EchoBody, EchoQuery> = {
    name: 'echo',
    body: z.object({ note: z.string().optional() }).strict(),
    query: z.object({ verbose: z.enum(['true', 'false']).optional() }).strict(),
    async handle(input) {
      seen.push({ ...input, remainingMs: input.facts.budget.remainingMs() });
      await behaviour(input);
      return { status: 200, body: { caller: input.caller.key, note: input.body.note } };
    },
  };
  return { route, seen };
}

function setup(
  behaviour?: (input: RouteInput<EchoBody, EchoQuery>) => Promise<unknown>,
  logger: BrokerLogger = silentLogger(),
) {
  const { route, seen } = echoRoute(behaviour);
  const handler = httpHandler(route, { logger, maxBodyBytes: MAX_BODY, now: () => NOW });
  return { handler, seen };
}

const bodyOf = (response: APIGatewayProxyStructuredResultV2) =>
  JSON.parse(response.body ?? 'null') as Record<string, unknown>;

const assertNoStore = (response: APIGatewayProxyStructuredResultV2) => {
  assert.equal(response.headers?.['Cache-Control'], 'no-store');
  assert.equal(response.headers?.['X-Content-Type-Options'], 'nosniff');
};

const assertProblem = (response: APIGatewayProxyStructuredResultV2, status: number) => {
  assert.equal(response.statusCode, status);
  assert.equal(response.headers?.['Content-Type'], 'application/problem+json');
  assertNoStore(response);
  assert.equal(bodyOf(response).status, status);
};

describe('HTTP chain: success', () => {
  it('answers JSON with Cache-Control: no-store', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const response = await handler(buildEvent({ body: { note: 'hi' } }), buildContext());
    // Assess
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers?.['Content-Type'], 'application/json');
    assertNoStore(response);
    assert.deepEqual(bodyOf(response), { caller: 'aws:111111111111:role/reporting-service', note: 'hi' });
  });

  it('derives the budget from the Lambda remaining time, and the source from requestContext', async () => {
    // Prepare
    const { handler, seen } = setup();
    const event = buildEvent({
      body: {},
      headers: { 'x-forwarded-for': '203.0.113.66', 'user-agent': 'spoofed-agent' },
    });
    // Act
    await handler(event, buildContext(4_321, 'req-77'));
    // Assess
    assert.equal(seen[0]?.remainingMs, 4_321);
    assert.equal(seen[0]?.facts.requestId, 'req-77');
    assert.equal(seen[0]?.facts.sourceIp, '198.51.100.7');
    assert.equal(seen[0]?.facts.userAgent, 'test-client/1.0');
  });

  it('decodes a base64 body', async () => {
    // Prepare
    const { handler } = setup();
    const event = buildEvent({
      rawBody: Buffer.from('{"note":"b64"}').toString('base64'),
      isBase64Encoded: true,
    });
    // Act
    const response = await handler(event, buildContext());
    // Assess
    assert.equal(bodyOf(response).note, 'b64');
  });

  it('reads a JWT caller from the authorizer', async () => {
    // Prepare
    const { handler } = setup();
    const event = buildEvent({ body: {}, authorizer: jwtAuthorizer('https://issuer.example.com', 'ci') });
    // Act
    const response = await handler(event, buildContext());
    // Assess
    assert.equal(bodyOf(response).caller, 'oidc:https://issuer.example.com#ci');
  });
});

describe('HTTP chain: identity comes from the authorizer only (invariant 1)', () => {
  it('answers 401 problem+json without an authorizer, and never runs the route', async () => {
    // Prepare
    const { handler, seen } = setup();
    const event = buildEvent({ body: {}, authorizer: null });
    // Act
    const response = await handler(event, buildContext());
    // Assess
    assertProblem(response, 401);
    assert.equal(bodyOf(response).code, 'unauthenticated');
    assert.equal(seen.length, 0);
  });

  it('answers 401 when only headers, query and body claim an identity', async () => {
    // Prepare
    const { handler, seen } = setup();
    const event = buildEvent({
      authorizer: null,
      rawBody: '{"note":"arn:aws:iam::111111111111:role/admin"}',
      headers: {
        'x-caller': 'arn:aws:iam::111111111111:role/admin',
        'x-forwarded-for': '10.0.0.1',
        'x-amzn-oidc-identity': 'admin',
        authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.',
      },
      queryStringParameters: { caller: 'arn:aws:iam::111111111111:role/admin' },
    });
    // Act
    const response = await handler(event, buildContext());
    // Assess
    assertProblem(response, 401);
    assert.equal(seen.length, 0);
  });

  it('ignores X-Forwarded-For, X-Caller and friends when an authorizer is present', async () => {
    // Prepare
    const { handler, seen } = setup();
    const event = buildEvent({
      body: {},
      authorizer: iamAuthorizer(CALLER_ASSUMED_ROLE_ARN),
      headers: {
        'x-caller': 'arn:aws:iam::111111111111:role/admin',
        'x-forwarded-for': '10.0.0.1',
        'x-amz-user-arn': 'arn:aws:iam::111111111111:role/admin',
      },
    });
    // Act
    const response = await handler(event, buildContext());
    // Assess
    assert.equal(response.statusCode, 200);
    assert.equal(seen[0]?.caller.key, 'aws:111111111111:role/reporting-service');
    assert.equal(seen[0]?.facts.sourceIp, '198.51.100.7');
  });

  it('answers 401 for an authorizer principal that is not a role, user or assumed role', async () => {
    // Prepare
    const { handler } = setup();
    const event = buildEvent({ body: {}, authorizer: iamAuthorizer('arn:aws:iam::111111111111:root') });
    // Act
    const response = await handler(event, buildContext());
    // Assess
    assertProblem(response, 401);
  });
});

describe('HTTP chain: body and errors', () => {
  it('answers 413 for a 65 KB body before parsing it or running the route', async () => {
    // Prepare: not even valid JSON; size is checked first.
    const { handler, seen } = setup();
    const event = buildEvent({ rawBody: `{"note":"${'x'.repeat(65 * 1024)}` });
    // Act
    const response = await handler(event, buildContext());
    // Assess
    assertProblem(response, 413);
    assert.equal(bodyOf(response).code, 'payload_too_large');
    assert.equal(seen.length, 0);
  });

  it('answers 400 with field paths for an unknown body field', async () => {
    // Prepare
    const { handler, seen } = setup();
    const event = buildEvent({ body: { note: 'x', caller: 'arn:aws:iam::111111111111:role/admin' } });
    // Act
    const response = await handler(event, buildContext());
    // Assess
    assertProblem(response, 400);
    assert.ok(Array.isArray(bodyOf(response).errors));
    assert.equal(seen.length, 0);
  });

  it('answers 400 for an unknown query parameter', async () => {
    // Prepare
    const { handler } = setup();
    const event = buildEvent({ body: {}, queryStringParameters: { caller: 'admin' } });
    // Act
    const response = await handler(event, buildContext());
    // Assess
    assertProblem(response, 400);
  });

  it('answers 400 and keeps Object.prototype clean for a __proto__ body', async () => {
    // Prepare
    const { handler } = setup();
    const event = buildEvent({ rawBody: '{"__proto__":{"polluted":"yes"},"note":"x"}' });
    // Act
    const response = await handler(event, buildContext());
    // Assess
    assertProblem(response, 400);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('answers 400 to a __proto__ key that would lend the body its fields, and never runs the route', async () => {
    // Prepare: parsed loosely, the key would become the body's prototype, and `note` be read through it
    const { handler, seen } = setup();
    const event = buildEvent({ rawBody: '{"__proto__":{"note":"x"}}' });
    // Act
    const response = await handler(event, buildContext());
    // Assess
    assertProblem(response, 400);
    assert.equal(seen.length, 0);
  });

  it('maps a BrokerError from the route to its problem, with Retry-After', async () => {
    // Prepare
    const { handler } = setup(async () => {
      throw dependencyUnavailable('sts', 'Throttling: Rate exceeded for arn:aws:iam::222222222222:role/x');
    });
    // Act
    const response = await handler(buildEvent({ body: {} }), buildContext(10_000, 'req-88'));
    // Assess
    assertProblem(response, 503);
    assert.equal(response.headers?.['Retry-After'], '5');
    assert.equal(bodyOf(response).requestId, 'req-88');
    assert.doesNotMatch(response.body ?? '', /Throttling|arn:/);
  });

  it('turns an unexpected error into a 500 that hides its message', async () => {
    // Prepare
    const { handler } = setup(async () => {
      throw new Error('wJalrXUtnFEMI/K7MDENG leaked into an error message');
    });
    // Act
    const response = await handler(buildEvent({ body: {} }), buildContext());
    // Assess
    assertProblem(response, 500);
    assert.doesNotMatch(response.body ?? '', /wJalr|leaked/);
  });

  it('shows the message of a client BrokerError from the route', async () => {
    // Prepare
    const { handler } = setup(async () => {
      throw durationOutOfRange({ min: 900, max: 3600 }, 'for this grant');
    });
    // Act
    const response = await handler(buildEvent({ body: {} }), buildContext());
    // Assess
    assertProblem(response, 400);
    assert.equal(
      bodyOf(response).detail,
      'durationSeconds must be an integer from 900 to 3600 for this grant.',
    );
  });
});

describe('HTTP chain: logs (invariant 10)', () => {
  const AUTHORIZATION =
    'AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20250101/us-east-1/execute-api/aws4_request, Signature=5ec7e75ecre7';
  const SECURITY_TOKEN = 'IQoJb3JpZ2luX2VjEzzLOGGEDzzTOKEN';
  const hostileEvent = () =>
    buildEvent({
      rawBody: '{"note":"body-marker-91f3","extra":"x"}',
      headers: { authorization: AUTHORIZATION, 'x-amz-security-token': SECURITY_TOKEN },
    });

  it('logs a refused request without the raw event, its headers or its body', async () => {
    // Prepare
    const logs = capturingLogger();
    const { handler } = setup(undefined, logs.logger);
    // Act
    try {
      await handler(hostileEvent(), buildContext());
    } finally {
      logs.restore();
    }
    // Assess
    const text = logs.lines.join('\n');
    assert.ok(logs.lines.length > 0, 'the refusal is logged');
    assert.ok(logs.entries().some((entry) => entry.message === 'request refused' && entry.status === 400));
    for (const secret of [SECURITY_TOKEN, 'Signature=', 'body-marker-91f3'])
      assert.ok(!text.includes(secret), secret);
  });

  it('does not log the raw event even when POWERTOOLS_LOGGER_LOG_EVENT is switched on', async () => {
    // Prepare: an operator turns on event logging to debug something.
    const logs = capturingLogger({ POWERTOOLS_LOGGER_LOG_EVENT: 'true' });
    const { handler } = setup(undefined, logs.logger);
    // Act
    try {
      await handler(hostileEvent(), buildContext());
    } finally {
      logs.restore();
    }
    // Assess
    const text = logs.lines.join('\n');
    assert.ok(!text.includes(SECURITY_TOKEN), 'the security token header was logged');
    assert.ok(!text.includes('body-marker-91f3'), 'the raw body was logged');
  });

  it('does not carry one request caller into the logs of the next', async () => {
    // Prepare
    const logs = capturingLogger();
    const { handler } = setup(undefined, logs.logger);
    // Act
    try {
      await handler(buildEvent({ body: {} }), buildContext());
      logs.lines.length = 0;
      await handler(buildEvent({ body: {}, authorizer: null }), buildContext());
    } finally {
      logs.restore();
    }
    // Assess
    assert.ok(logs.lines.length > 0);
    assert.ok(!logs.lines.join('\n').includes('reporting-service'));
  });
});
