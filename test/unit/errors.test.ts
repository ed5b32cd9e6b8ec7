import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrokerError, dependencyUnavailable, forbidden } from '../../lib/errors.js';

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
});
