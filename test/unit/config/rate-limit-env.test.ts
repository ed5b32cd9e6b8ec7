import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../lib/config/env.js';
import { brokerEnv } from '../../support/broker-env.js';

describe('rate limit configuration (invariant 13)', () => {
  it('defaults to 60 issuances a minute', () => {
    // Act
    const config = loadConfig(brokerEnv());
    // Assess
    assert.deepEqual(config.rateLimit, { table: 'credential-broker-prod-rate', perMinute: 60 });
  });

  it('reads the table and the limit from the environment', () => {
    // Act
    const config = loadConfig(
      brokerEnv({ BROKER_RATE_TABLE: 'credential-broker-staging-rate', BROKER_RATE_LIMIT_PER_MINUTE: '5' }),
    );
    // Assess
    assert.deepEqual(config.rateLimit, { table: 'credential-broker-staging-rate', perMinute: 5 });
  });

  for (const value of ['0', '-1', '2.5', 'lots', '100001']) {
    it(`refuses BROKER_RATE_LIMIT_PER_MINUTE=${value} at cold start`, () => {
      // Act
      const load = () => loadConfig(brokerEnv({ BROKER_RATE_LIMIT_PER_MINUTE: value }));
      // Assess
      assert.throws(load, /BROKER_RATE_LIMIT_PER_MINUTE/);
    });
  }
});
