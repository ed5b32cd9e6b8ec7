import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BrokerError,
  dependencyUnavailable,
  invalidRequest,
  PROBLEM_TYPE_BASE,
  rateLimited,
} from '../../../lib/errors.js';
import { problemResponse, toBrokerError } from '../../../lib/http/problem.js';

const parse = (body: string | undefined) => JSON.parse(body ?? 'null') as Record<string, unknown>;

describe('problemResponse (RFC 9457)', () => {
  it('shows a client error with its message, code, fields and the request id', () => {
    // Prepare
    const error = invalidRequest('The request does not match the schema.', [
      { path: 'durationSeconds', message: 'Expected number' },
    ]);
    // Act
    const response = problemResponse(error, 'req-42');
    // Assess
    assert.equal(response.statusCode, 400);
    assert.equal(response.headers?.['Content-Type'], 'application/problem+json');
    assert.equal(response.headers?.['Cache-Control'], 'no-store');
    assert.equal(response.headers?.['X-Content-Type-Options'], 'nosniff');
    assert.deepEqual(parse(response.body), {
      type: `${PROBLEM_TYPE_BASE}invalid_request`,
      title: 'Invalid request',
      status: 400,
      detail: 'The request does not match the schema.',
      code: 'invalid_request',
      requestId: 'req-42',
      errors: [{ path: 'durationSeconds', message: 'Expected number' }],
    });
  });

  it('hides the detail and internal reason of a 5xx and sets Retry-After', () => {
    // Prepare
    const error = dependencyUnavailable(
      'audit',
      'PutItem INTENT: ResourceNotFoundException table-secret-name',
    );
    // Act
    const response = problemResponse(error, 'req-43');
    // Assess
    const body = parse(response.body);
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers?.['Retry-After'], '5');
    assert.equal(response.headers?.['Cache-Control'], 'no-store');
    assert.equal(body.detail, 'The broker could not complete the request; retry later.');
    assert.doesNotMatch(response.body ?? '', /table-secret-name|PutItem|audit/);
  });

  it('never shows the fields of a hidden error', () => {
    // Prepare
    const error = new BrokerError('grant_misconfigured', 'tag caller renders to alice#x', {
      fields: [{ path: 'sessionTags.caller', message: 'alice#x' }],
    });
    // Act
    const response = problemResponse(error, 'req-44');
    // Assess
    assert.equal(parse(response.body).errors, undefined);
    assert.doesNotMatch(response.body ?? '', /alice/);
  });

  it('never shows the internal reason of a client error', () => {
    // Prepare
    const error = new BrokerError('not_allowed', 'This caller may not perform this action.', {
      internalReason: 'no grant names arn:aws:iam::999999999999:role/secret',
    });
    // Act
    const response = problemResponse(error, 'req-45');
    // Assess
    assert.doesNotMatch(response.body ?? '', /arn:|secret/);
  });

  it('sets Retry-After on a 429', () => {
    // Prepare
    const error = rateLimited(17);
    // Act
    const response = problemResponse(error, 'req-46');
    // Assess
    assert.equal(response.statusCode, 429);
    assert.equal(response.headers?.['Retry-After'], '17');
    assert.equal(parse(response.body).title, 'Too many requests');
  });
});

describe('toBrokerError', () => {
  it('turns an unexpected error into a hidden 500 that keeps the cause for the log', () => {
    // Prepare
    const unexpected = new Error('Cannot read properties of undefined (secretAccessKey)');
    // Act
    const error = toBrokerError(unexpected);
    const response = problemResponse(error, 'req-47');
    // Assess
    assert.equal(error.status, 500);
    assert.equal(error.expose, false);
    assert.equal(error.cause, unexpected);
    assert.doesNotMatch(response.body ?? '', /secretAccessKey|Cannot read/);
  });

  it('keeps a BrokerError as it is', () => {
    // Prepare
    const original = rateLimited(3);
    // Act
    const error = toBrokerError(original);
    // Assess
    assert.equal(error, original);
  });
});
