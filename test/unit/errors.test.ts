import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as errors from '../../lib/errors.js';
import {
  BrokerError,
  dependencyUnavailable,
  ERROR_CATALOGUE,
  ERROR_CODES,
  forbidden,
} from '../../lib/errors.js';
import { problemResponse } from '../../lib/http/problem.js';

/**
 * The public codes and their statuses, written out by hand: clients branch on them, so a
 * change to the catalogue that renames a code or moves its status must fail here.
 */
const PUBLIC_CODES: Record<string, number> = {
  invalid_request: 400,
  ambiguous_role: 400,
  duration_out_of_range: 400,
  invalid_policy: 400,
  policy_outside_ceiling: 400,
  provider_rejected_request: 400,
  invalid_range: 400,
  range_too_wide: 400,
  invalid_cursor: 400,
  unauthenticated: 401,
  not_allowed: 403,
  not_found: 404,
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
  grant_misconfigured: 500,
  provider_auth_failed: 500,
  dependency_unavailable: 503,
  provider_not_configured: 503,
};

/** Every exported factory, called with plausible arguments. */
const FACTORY_CALLS: Record<string, () => BrokerError> = {
  invalidRequest: () => errors.invalidRequest('bad', [{ path: 'x', message: 'y' }]),
  ambiguousRole: () => errors.ambiguousRole(),
  durationOutOfRange: () => errors.durationOutOfRange({ min: 900, max: 3600 }, 'for this grant'),
  invalidPolicy: () => errors.invalidPolicy([{ path: 'policy', message: 'bad' }]),
  policyOutsideCeiling: () => errors.policyOutsideCeiling(['s3:PutObject is not allowed']),
  providerRejectedRequest: () => errors.providerRejectedRequest('MalformedPolicyDocument'),
  invalidRange: () => errors.invalidRange(),
  rangeTooWide: () => errors.rangeTooWide(31),
  invalidCursor: () => errors.invalidCursor(),
  unauthenticated: () => errors.unauthenticated('no authorizer'),
  forbidden: () => errors.forbidden('no grant'),
  notFound: () => errors.notFound(),
  payloadTooLarge: () => errors.payloadTooLarge(16_384),
  rateLimited: () => errors.rateLimited(7),
  internalError: () => errors.internalError(new Error('boom')),
  grantMisconfigured: () => errors.grantMisconfigured('tag value'),
  providerAuthFailed: () => errors.providerAuthFailed('InvalidAccessKeyId'),
  dependencyUnavailable: () => errors.dependencyUnavailable('audit', 'timeout'),
  providerNotConfigured: () => errors.providerNotConfigured(),
};

describe('error catalogue', () => {
  it('keeps every public code with its status, and adds none silently', () => {
    // Act
    const catalogue = Object.fromEntries(ERROR_CODES.map((code) => [code, ERROR_CATALOGUE[code].status]));
    // Assess
    assert.deepEqual(catalogue, PUBLIC_CODES);
  });

  it('has one factory per code, and each builds the code with the catalogue status and title', () => {
    // Prepare
    const exportedFactories = Object.keys(errors).filter(
      (name) => /^[a-z]/.test(name) && typeof (errors as Record<string, unknown>)[name] === 'function',
    );
    // Act
    const built = Object.values(FACTORY_CALLS).map((call) => call());
    // Assess
    assert.deepEqual(
      exportedFactories.filter((name) => !['isBrokerError', 'problemType'].includes(name)).sort(),
      Object.keys(FACTORY_CALLS).sort(),
    );
    assert.deepEqual(built.map((error) => error.code).sort(), [...ERROR_CODES].sort());
    for (const error of built) {
      assert.ok(error instanceof BrokerError);
      assert.equal(error.status, PUBLIC_CODES[error.code], error.code);
      assert.equal(error.title, ERROR_CATALOGUE[error.code].title);
      assert.equal(error.type, `https://github.com/credential-broker/problems/${error.code}`);
    }
  });

  it('gives problem+json the title and type of the code, not of the status', () => {
    // Prepare
    const error = errors.durationOutOfRange({ min: 900, max: 3600 }, 'for this grant');
    // Act
    const body = JSON.parse(problemResponse(error, 'req-1').body ?? '{}') as Record<string, unknown>;
    // Assess
    assert.equal(body.title, 'Duration out of range');
    assert.equal(body.type, 'https://github.com/credential-broker/problems/duration_out_of_range');
    assert.equal(body.code, 'duration_out_of_range');
    assert.equal(body.status, 400);
  });
});

describe('BrokerError', () => {
  it('hides the message of server errors and keeps client errors visible', () => {
    // Prepare / Act
    const serverError = dependencyUnavailable('sts', 'socket hang up');
    const clientError = forbidden('no grant names arn:aws:iam::1:role/x');
    // Assess
    assert.equal(serverError.expose, false);
    assert.equal(serverError.retryAfterSeconds, 5);
    assert.equal(clientError.expose, true);
    assert.doesNotMatch(clientError.message, /arn:/);
    assert.ok(clientError instanceof BrokerError);
  });

  it('never exposes a 5xx, whichever factory built it', () => {
    // Act
    const serverErrors = Object.values(FACTORY_CALLS)
      .map((call) => call())
      .filter((error) => error.status >= 500);
    // Assess
    assert.ok(serverErrors.length >= 5);
    for (const error of serverErrors) assert.equal(error.expose, false, error.code);
  });
});
