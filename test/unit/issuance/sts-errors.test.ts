import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ExpiredTokenException,
  MalformedPolicyDocumentException,
  PackedPolicyTooLargeException,
  RegionDisabledException,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { BrokerError, forbidden } from '../../../lib/errors.js';
import { mapStsError } from '../../../lib/providers/aws-sts.js';

const FOREIGN_ARN = 'arn:aws:iam::999999999999:role/very-secret-role-name';
const RAW = `User: arn:aws:sts::555555555555:assumed-role/broker/x is not authorized to perform sts:AssumeRole on ${FOREIGN_ARN}`;

/** An unmodeled Query-protocol error, as the SDK builds it from <Code>. */
const serviceError = (name: string, fault: 'client' | 'server' = 'client') =>
  new STSServiceException({ name, $fault: fault, $metadata: { httpStatusCode: 400 }, message: RAW });
const modeled = { message: RAW, $metadata: { httpStatusCode: 400 } };

const assertSafe = (error: BrokerError) => {
  assert.doesNotMatch(error.message, /arn:|999999999999|555555555555|very-secret/);
  assert.ok(error.internalReason?.includes(RAW), 'the raw STS message belongs in internalReason');
  assert.equal(error.fields, undefined);
};

describe('mapStsError', () => {
  for (const name of ['AccessDenied', 'AccessDeniedException']) {
    it(`maps ${name} to a generic 403 that names no ARN`, () => {
      // Prepare
      const error = serviceError(name);
      // Act
      const mapped = mapStsError(error);
      // Assess
      assert.equal(mapped.status, 403);
      assert.equal(mapped.code, 'not_allowed');
      assert.equal(mapped.message, forbidden('x').message);
      assertSafe(mapped);
    });
  }

  for (const [label, error] of [
    ['ValidationError', serviceError('ValidationError')],
    ['MalformedPolicyDocument', serviceError('MalformedPolicyDocument')],
    ['MalformedPolicyDocumentException', new MalformedPolicyDocumentException(modeled)],
    ['PackedPolicyTooLarge', serviceError('PackedPolicyTooLarge')],
    ['PackedPolicyTooLargeException', new PackedPolicyTooLargeException(modeled)],
  ] as const) {
    it(`maps ${label} to a 400 with a message written by the broker`, () => {
      // Prepare / Act
      const mapped = mapStsError(error);
      // Assess
      assert.equal(mapped.status, 400);
      assert.equal(mapped.code, 'provider_rejected_request');
      assert.equal(mapped.expose, true);
      assertSafe(mapped);
    });
  }

  const timeout = Object.assign(new Error(`The operation was aborted due to timeout (${FOREIGN_ARN})`), {
    name: 'TimeoutError',
  });
  for (const [label, error] of [
    ['Throttling', serviceError('Throttling')],
    ['RegionDisabledException', new RegionDisabledException(modeled)],
    ['ExpiredTokenException', new ExpiredTokenException(modeled)],
    ['InternalFailure', serviceError('InternalFailure', 'server')],
    ['TimeoutError', timeout],
    ['AbortError', Object.assign(new Error('This operation was aborted'), { name: 'AbortError' })],
    ['a thrown string', 'socket hang up'],
  ] as const) {
    it(`maps ${label} to a 503 with Retry-After and a hidden detail`, () => {
      // Prepare / Act
      const mapped = mapStsError(error);
      // Assess
      assert.equal(mapped.status, 503);
      assert.equal(mapped.expose, false);
      assert.ok((mapped.retryAfterSeconds ?? 0) > 0);
      assert.doesNotMatch(mapped.message, /arn:|aborted|hang up/);
      assert.match(mapped.internalReason ?? '', /^sts: /);
    });
  }

  it('passes a BrokerError through unchanged', () => {
    // Prepare
    const original = new BrokerError('invalid_request', 'already mapped');
    // Act
    const mapped = mapStsError(original);
    // Assess
    assert.equal(mapped, original);
  });
});
