import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../lib/config/env.js';
import { brokerEnv } from '../../support/broker-env.js';

describe('rate limit configuration (invariant 13)', () => {
  it('defaults to 60 issuances, 120 issuance-route requests and 60 audit requests a minute per caller', () => {
    // Act
    const config = loadConfig(brokerEnv());
    // Assess
    assert.deepEqual(config.rateLimit, {
      table: 'credential-broker-prod-rate',
      perMinute: 60,
      requestsPerMinute: 120,
      auditRequestsPerMinute: 60,
    });
  });

  it('reads the table and the limit from the environment', () => {
    // Act
    const config = loadConfig(
      brokerEnv({
        BROKER_RATE_TABLE: 'credential-broker-staging-rate',
        BROKER_RATE_LIMIT_PER_MINUTE: '5',
        BROKER_CALLER_REQUESTS_PER_MINUTE: '7',
        BROKER_AUDIT_REQUESTS_PER_MINUTE: '9',
      }),
    );
    // Assess
    assert.deepEqual(config.rateLimit, {
      table: 'credential-broker-staging-rate',
      perMinute: 5,
      requestsPerMinute: 7,
      auditRequestsPerMinute: 9,
    });
  });

  for (const name of [
    'BROKER_RATE_LIMIT_PER_MINUTE',
    'BROKER_CALLER_REQUESTS_PER_MINUTE',
    'BROKER_AUDIT_REQUESTS_PER_MINUTE',
  ]) {
    for (const value of ['0', '-1', '2.5', 'lots', '100001']) {
      it(`refuses ${name}=${value} at cold start`, () => {
        // Act
        const load = () => loadConfig(brokerEnv({ [name]: value }));
        // Assess
        assert.throws(load, new RegExp(name));
      });
    }
  }
});
